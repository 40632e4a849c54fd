// AI Training jobs and notebooks in the real window, against
// stowage-training-sim (the real API cannot be reached from here; its
// answers are checked against OVHcloud's SDK in tests/contract; run.sh starts
// it with its data phases on the same Garage). Connect with a token; paste a
// whole `ovhai job run` command and see it fill the launch form, flavor and
// GPU count included; launch after reading the API JSON; follow the job's
// logs; press Sync now; see it reach DONE and open its outputs; stop a job
// after confirming; launch, open, stop and start a notebook.
// Runs after sync.test.mjs, with the "OVH test" profile (alias S3GRA) current.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { env, openApp } from "./app.mjs";

let session;
let jobId;

before(async () => {
  session = await openApp();
});

after(async () => {
  const artifacts = process.env.STOWAGE_E2E_ARTIFACTS;
  if (session && artifacts) writeFileSync(`${artifacts}/jobs.png`, await session.screenshot());
  await session?.end();
});

const $ = (testid) => session.waitFor(testid, () => session.find(`[data-testid="${testid}"]`));
const texts = (testid) => session.texts(`[data-testid="${testid}"]`);
const value = (testid) => session.execute(`return document.querySelector('[data-testid="${testid}"]').value`);

async function retype(testid, text) {
  const input = await $(testid);
  await input.clear();
  await input.type(text);
}

async function select(testid, choice) {
  await $(testid);
  await session.execute(`const s = document.querySelector('[data-testid="${testid}"]'); s.value = arguments[0];
    s.dispatchEvent(new Event("change", { bubbles: true }));`, [choice]);
}

/** Pastes `text` into a field: its value set at once and an input event,
 * as a paste does (WebKitWebDriver's typing drops newlines). */
async function paste(testid, text) {
  await $(testid);
  await session.execute(`const field = document.querySelector('[data-testid="${testid}"]'); field.value = arguments[0];
    field.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertFromPaste" }));`, [text]);
}

async function importCommand(command) {
  await (await $("nav-volumes")).click();
  await (await $("import-volumes")).click();
  await paste("import-text", command);
  await (await $("import-confirm")).click();
  const outcome = await session.waitFor("the import notice", async () =>
    (await texts("import-error"))[0] ?? ((await texts("volumes-message"))[0]?.startsWith("Imported") && (await texts("volumes-message"))[0]));
  assert.match(outcome, /^Imported/, `the import of ${JSON.stringify(await value("import-text").catch(() => ""))} was refused`);
  return outcome;
}

async function jobState() {
  return (await texts("job-state"))[0];
}

async function launchJSON(pattern) {
  return JSON.parse(await session.waitFor(`the API JSON to match ${pattern}`, async () => {
    const [text] = await texts("launch-json");
    return pattern.test(text ?? "") && text;
  }));
}

test("the app token is entered once and the job list loads", async () => {
  await (await $("nav-jobs")).click();
  await $("training-setup");
  await retype("training-api", env("STOWAGE_E2E_TRAINING_URL"));
  await retype("training-token", env("STOWAGE_E2E_TRAINING_TOKEN"));
  await (await $("training-save")).click();
  await session.waitFor("the empty job list", async () => (await texts("job-list"))[0]?.includes("No jobs yet"));
  const page = await session.execute("return document.documentElement.outerHTML");
  assert.ok(!page.includes(env("STOWAGE_E2E_TRAINING_TOKEN")), "the token is not in the page once saved");
});

test("a volume whose alias no profile has is flagged before launch", async () => {
  await importCommand("ovhai job run busybox -v datasets@GRA:/workspace/data:ro");
  await (await $("launch-job")).click();
  const warning = await session.waitFor("the alias warning", async () =>
    (await texts("launch-warning")).find((w) => w.includes("No profile has the datastore alias")));
  assert.match(warning, /No profile has the datastore alias "GRA"/);
  await session.execute("document.querySelector('[data-testid=launch-dialog]').previousElementSibling.click()");
});

test("a pasted ovhai job run keeps everything, and Copy asks for the image first", async () => {
  const bucket = env("STOWAGE_TEST_S3_BUCKET");
  // The issue's own command: -s, --label, --timeout and --ssh-public-keys before the image.
  const notice = await importCommand(`ovhai job run -s 'ssh-ed25519 AAAAE2E e2e@test' --label team=e2e --timeout 3600 \\
    --ssh-public-keys K2 ovhcom/ai-training-pytorch --name e2e-run --flavor l40s-1-gpu --gpu 2 \\
    -e EPOCHS=3 -v ${bucket}@S3GRA/e2e/:/workspace/data:ro -v ${bucket}@S3GRA/e2e-out/:/workspace/out:rw -- sleep 8`);
  assert.match(notice, /Imported 2 volumes and the job's image, flavor/);
  assert.doesNotMatch(notice, /Not carried over/);
  const [command] = await texts("command-preview");
  assert.match(command, /--flavor l40s-1-gpu \\\n {2}--gpu 2 \\\n {2}--env EPOCHS=3/);
  assert.match(command, /--label team=e2e \\\n {2}--ssh-public-keys 'ssh-ed25519 AAAAE2E e2e@test' \\\n {2}--ssh-public-keys K2 \\\n {2}--timeout 3600/);
  assert.match(command, /-- sleep 8$/);

  // Without an image there is nothing to copy: Copy says so at the image.
  await paste("job-image", "");
  await (await $("copy-command")).click();
  const missing = await session.waitFor("the image error", async () => (await texts("image-error"))[0]);
  assert.match(missing, /Type the image the job runs first/);
  assert.ok(!(await texts("volumes-message"))[0]?.startsWith("Copied"), "nothing was copied");
  await retype("job-image", "ovhcom/ai-training-pytorch");
  await (await $("copy-command")).click();
  await session.waitFor("the copy notice", async () => /Copied the command/.test((await texts("volumes-message"))[0] ?? ""));
  const clipboard = execFileSync("xclip", ["-o", "-selection", "clipboard"], { encoding: "utf8" });
  assert.ok(!clipboard.includes("<image>"), clipboard);
  assert.match(clipboard, /^ovhai job run ovhcom\/ai-training-pytorch \\\n {2}--name e2e-run/);
});

test("the launch form lists the platform's flavors and sends the flavor with the GPU count", async () => {
  await (await $("launch-job")).click();
  await session.waitFor("the flavors", async () => (await texts("launch-flavor"))[0]?.includes("L40S 48 GB"));
  assert.equal(await value("launch-flavor"), "l40s-1-gpu");
  assert.equal(await value("launch-units"), "2");
  assert.equal(await value("launch-image"), "ovhcom/ai-training-pytorch");
  assert.equal(await value("launch-command"), "sleep 8");
  const spec = await launchJSON(/"flavor": "l40s-1-gpu"/);
  assert.deepEqual(spec.resources, { flavor: "l40s-1-gpu", gpu: 2 });
  assert.deepEqual(spec.command, ["sleep", "8"]);
  assert.deepEqual(spec.envVars, [{ name: "EPOCHS", value: "3" }]);
  assert.equal(spec.volumes[1].permission, "RW");
  // What the paste carried beyond the basics is in the form, under More, and sent.
  assert.deepEqual(spec.labels, { team: "e2e" });
  assert.deepEqual(spec.sshPublicKeys, ["ssh-ed25519 AAAAE2E e2e@test", "K2"]);
  assert.equal(spec.timeout, 3600);
  assert.equal(await value("launch-labels"), "team=e2e");
  assert.equal(await value("launch-timeout"), "1");
  assert.equal(await session.execute("return document.querySelector('[data-testid=launch-more]').getAttribute('aria-expanded')"), "true",
    "More is open when it holds something");
  await (await $("launch-confirm")).click();

  // The Jobs view opens on the new job.
  await session.waitFor("the job page", async () => (await texts("job-state")).length > 0);
  jobId = (await texts("job-id"))[0].split(" ")[0];
  assert.match(jobId, /^[0-9a-f-]{36}$/);
  const [facts] = await texts("job-facts");
  assert.match(facts, /l40s-1-gpu · 2 × L40S/);
});

test("the running job's logs follow, are searchable, and the job pushes on request and ends DONE", async () => {
  await session.waitFor("RUNNING", async () => (await jobState()) === "RUNNING", 30_000);
  const timeline = (await texts("timeline"))[0];
  assert.match(timeline, /QUEUED.*INITIALIZING.*PENDING.*RUNNING.*FINALIZING.*DONE/s);
  await session.waitFor("the log to follow the run", async () =>
    (await texts("logs-state"))[0]?.startsWith("Following") && (await texts("log-lines"))[0]?.includes("Running: sleep 8"), 15_000);
  // The pull of INITIALIZING shows as a finished automatic data sync.
  const syncs = await texts("data-sync");
  assert.ok(syncs.some((s) => s.startsWith("Pull") && s.includes("automatic") && s.includes("DONE")), `${syncs}`);

  // The "job" writes a checkpoint into its RW volume, then Sync now pushes it.
  const out = join(env("STOWAGE_E2E_TRAINING_WORKDIR"), jobId, "workspace", "out");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "epoch-1.pt"), Buffer.alloc(20_000, 9));
  await (await $("sync-now")).click();
  const pushed = await session.waitFor("the requested push to finish", async () => {
    const all = await session.execute(`return [...document.querySelectorAll('[data-testid="data-sync"]')].map((d) => [d.dataset.state, d.textContent])`);
    const mine = all.find(([, text]) => text.includes("Push") && text.includes("requested"));
    return mine && mine[0] === "DONE" && mine[1];
  }, 30_000);
  assert.match(pushed, /\/workspace\/out.*1\/1 files/s, pushed);
  assert.ok(!(await texts("jobs-error")).length, "Sync now succeeded without an error");

  await session.waitFor("DONE", async () => (await jobState()) === "DONE", 60_000);
  const log = await session.waitFor("the log to end with the job", async () =>
    (await texts("logs-state"))[0]?.startsWith("Ended") && (await texts("log-lines"))[0]);
  assert.match(log, /Job DONE/);
  await retype("logs-search", "pushed");
  const found = await session.waitFor("the search", async () => (await texts("logs-state"))[0]?.match(/(\d+) of (\d+) lines match/));
  assert.ok(Number(found[1]) >= 2 && Number(found[1]) < Number(found[2]), found[0]);
  assert.ok((await texts("log-lines"))[0].split("\n").every((l) => !l.trim() || /pushed/i.test(l)));
  assert.ok(existsSync(out));
});

test("a finished job's outputs open in Storage", async () => {
  const artifacts = process.env.STOWAGE_E2E_ARTIFACTS;
  if (artifacts) writeFileSync(`${artifacts}/job-page.png`, await session.screenshot());
  const [id] = await texts("job-id");
  await (await $("browse-outputs")).click();
  const rows = await session.waitFor("the pushed checkpoint", async () => {
    const found = await texts("object-row");
    return found.some((r) => r.includes("epoch-1.pt")) && found;
  }, 30_000);
  assert.ok(rows.some((r) => r.includes("19.5 KB") || r.includes("20 KB")), `${rows}`);

  // Back in Jobs, the same run's page is still open.
  assert.ok(id, "a job's page was open");
  await (await $("nav-jobs")).click();
  await session.waitFor("the same job's page", async () => (await texts("job-id"))[0] === id);
});

test("Stop asks first, then the job is interrupted without an error", async () => {
  await (await $("nav-jobs")).click();
  await (await $("jobs-launch")).click();
  await retype("launch-command", "sleep 60");
  await launchJSON(/"60"/);
  await (await $("launch-confirm")).click();
  await session.waitFor("the new job running", async () => (await jobState()) === "RUNNING", 30_000);
  await (await $("stop-job")).click();
  const [question] = await texts("stop-confirm");
  assert.match(question, /read-write volumes are pushed back to Object Storage first, then the run ends/);
  await (await $("stop-confirm-yes")).click();
  await session.waitFor("the notice", async () => (await texts("jobs-notice"))[0]?.startsWith("Stopping"));
  await session.waitFor("INTERRUPTED", async () => (await jobState()) === "INTERRUPTED", 30_000);
  assert.deepEqual(await texts("jobs-error"), [], "the 204 answer is a success");
  await session.waitFor("the notice gone with the stop it was about", async () => (await texts("jobs-notice")).length === 0);
  assert.equal(await session.execute("return document.querySelector('.toolbar h1').textContent"), "Jobs");
  assert.match((await texts("timeline"))[0], /RUNNING.*INTERRUPTING.*FINALIZING.*INTERRUPTED/s);
});

test("a notebook launches with an editor and framework, opens in the browser, stops and starts again", async () => {
  await (await $("kind-notebooks")).click();
  await session.waitFor("the empty notebook list", async () => (await texts("job-list"))[0]?.includes("No notebooks yet"));
  assert.equal(await session.execute("return document.querySelector('.toolbar h1').textContent"), "Notebooks");
  await (await $("jobs-launch")).click();
  await session.waitFor("the frameworks", async () => (await texts("launch-framework"))[0]?.includes("PyTorch"));
  await select("launch-editor", "vscode");
  await select("launch-flavor", "ai1-1-cpu");
  await retype("launch-units", "2");
  const spec = await launchJSON(/"cpu": 2/);
  assert.deepEqual(spec.env, { editorId: "vscode", frameworkId: "pytorch", frameworkVersion: "2.4" });
  assert.deepEqual(spec.resources, { flavor: "ai1-1-cpu", cpu: 2 });
  assert.equal(spec.image, undefined, "a notebook has no image");
  await (await $("launch-confirm")).click();

  await session.waitFor("the notebook running", async () => (await jobState()) === "RUNNING", 30_000);
  const notebook = (await texts("job-id"))[0].split(" ")[0];
  const [facts] = await texts("job-facts");
  assert.match(facts, new RegExp(`Address\\s*https://${notebook}\\.notebook\\.`));
  await (await $("open-url")).click();
  const opened = await session.waitFor("the browser to be asked", async () =>
    existsSync(env("STOWAGE_E2E_OPENED")) && readFileSync(env("STOWAGE_E2E_OPENED"), "utf8").trim());
  assert.equal(opened, `https://${notebook}.notebook.gra.ai.sim.local`);

  await (await $("stop-job")).click();
  await (await $("stop-confirm-yes")).click();
  await session.waitFor("STOPPED", async () => (await jobState()) === "STOPPED", 30_000);
  await (await $("start-notebook")).click();
  await session.waitFor("running again", async () => (await jobState()) === "RUNNING", 30_000);
  assert.deepEqual(await texts("jobs-error"), []);
});

test("jobs filter by state and label; a finished job is relabelled, runs again, and is deleted after a confirmation", async () => {
  await (await $("nav-jobs")).click();
  await (await $("kind-jobs")).click();
  const rows = () => session.execute(`return [...document.querySelectorAll('[data-testid="job-row"]')].map((r) => r.dataset.id)`);
  const filterBy = async (testid, text) => {
    await session.execute(`const f = document.querySelector('[data-testid="${testid}"]'); f.value = arguments[0];
      f.dispatchEvent(new Event("input", { bubbles: true })); f.dispatchEvent(new Event("change", { bubbles: true }));`, [text]);
  };
  await session.waitFor("the jobs listed", async () => (await rows()).includes(jobId));
  const all = await rows();
  assert.equal(all.length, 2, `jobs: ${all}`);

  // Both jobs came from the pasted command, label and all.
  await filterBy("filter-label", "team=e2e");
  await session.waitFor("the labelled jobs", async () => (await rows()).length === 2);
  await filterBy("filter-label", "team=nobody");
  await session.waitFor("no match said", async () => (await texts("job-list"))[0]?.includes("No jobs match"));
  await filterBy("filter-label", "");
  await filterBy("filter-state", "INTERRUPTED");
  const interrupted = await session.waitFor("only the stopped job", async () => {
    const now = await rows();
    return now.length === 1 && now[0] !== jobId && now;
  });
  await filterBy("filter-state", "");
  await session.waitFor("every job again", async () => (await rows()).length === all.length);
  // Newest first, as the API lists; the arrow turns it.
  await (await $("filter-order")).click();
  await session.waitFor("oldest first", async () => JSON.stringify(await rows()) === JSON.stringify([...all].reverse()));
  await (await $("filter-order")).click();
  await session.waitFor("newest first again", async () => JSON.stringify(await rows()) === JSON.stringify(all));

  // Labels: edited in place, shown in the list, filtered by.
  await session.execute(`document.querySelector('[data-testid="job-row"][data-id="${jobId}"]').click()`);
  await (await $("edit-labels")).click();
  await paste("labels-input", "team=e2e\nstage=tune");
  await (await $("labels-save")).click();
  await session.waitFor("both labels shown", async () => /team=e2e.*stage=tune|stage=tune.*team=e2e/.test((await texts("job-labels"))[0] ?? ""));
  await filterBy("filter-label", "stage=tune");
  await session.waitFor("found by its new label", async () => JSON.stringify(await rows()) === JSON.stringify([jobId]));
  await filterBy("filter-label", "");

  // Run again: the same id goes through its phases once more and ends DONE.
  await session.waitFor("the job page", async () => (await jobState()) === "DONE");
  await (await $("restart-job")).click();
  await session.waitFor("running again", async () => ["QUEUED", "INITIALIZING", "PENDING", "RUNNING"].includes(await jobState()), 30_000);
  await session.waitFor("DONE again", async () => (await jobState()) === "DONE", 60_000);
  assert.equal((await texts("job-id"))[0].split(" ")[0], jobId);

  // Delete: the confirmation names what the containers keep.
  await session.execute(`document.querySelector('[data-testid="job-row"][data-id="${interrupted[0]}"]').click()`);
  await session.waitFor("the stopped job open", async () => (await jobState()) === "INTERRUPTED");
  await (await $("delete-job")).click();
  const [question] = await texts("delete-confirm");
  assert.match(question, /Delete this job for good\? Its containers keep what it pushed \(.*@S3GRA.*\); its logs and history go with it\./);
  await (await $("delete-confirm-yes")).click();
  await session.waitFor("the row gone", async () => !(await rows()).includes(interrupted[0]));
  assert.match((await texts("jobs-notice"))[0] ?? "", /^Deleted\./);
  assert.deepEqual(await texts("jobs-error"), []);
});
