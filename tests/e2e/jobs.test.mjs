// AI Training jobs in the real window, against stowage-training-sim (the
// real API cannot be reached from here; run.sh starts the simulator with its
// data phases on the same Garage). Connect with a token, launch a job from
// the composed volumes after reading its API JSON, watch it reach RUNNING,
// press Sync now and see the push's progress, see it reach DONE, and open
// its outputs in Storage.
// Runs after sync.test.mjs, with the "OVH test" profile (alias S3GRA) current.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
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

async function retype(testid, text) {
  const input = await $(testid);
  await input.clear();
  await input.type(text);
}

async function jobState() {
  return (await texts("job-state"))[0];
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

test("a job launched from the composed volumes shows its API JSON first", async () => {
  const bucket = env("STOWAGE_TEST_S3_BUCKET");
  await (await $("nav-volumes")).click();
  await (await $("import-volumes")).click();
  await retype("import-text",
    `ovhai job run img -v ${bucket}@S3GRA/e2e/:/workspace/data:ro -v ${bucket}@S3GRA/e2e-out/:/workspace/out:rw`);
  await (await $("import-confirm")).click();
  await session.waitFor("two volumes", async () => (await session.findAll('[data-testid="volume-card"]')).length === 2);
  await retype("job-image", "ovhcom/ai-training-pytorch");

  await (await $("launch-job")).click();
  await retype("launch-command", "sleep 8");
  const json = await session.waitFor("the API JSON", async () => {
    const [text] = await texts("launch-json");
    return text?.includes('"sleep"') && text;
  });
  const spec = JSON.parse(json);
  assert.equal(spec.image, "ovhcom/ai-training-pytorch");
  assert.deepEqual(spec.command, ["sleep", "8"]);
  assert.equal(spec.volumes[1].mountPath, "/workspace/out");
  assert.equal(spec.volumes[1].permission, "RW");
  assert.equal(spec.resources.gpu, 1);
  await (await $("launch-confirm")).click();

  // The Jobs view opens on the new job.
  await session.waitFor("the job page", async () => (await texts("job-state")).length > 0);
  jobId = await session.execute(`return document.querySelector('.job-head .small-line').textContent.split(" ")[0]`);
  assert.match(jobId, /^[0-9a-f-]{36}$/);
});

test("the running job pushes on request, shows the progress, and ends DONE", async () => {
  await session.waitFor("RUNNING", async () => (await jobState()) === "RUNNING", 30_000);
  const timeline = (await texts("timeline"))[0];
  assert.match(timeline, /QUEUED.*INITIALIZING.*PENDING.*RUNNING.*FINALIZING.*DONE/s);
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
  assert.match(pushed, /1\/1 files/, pushed);

  await session.waitFor("DONE", async () => (await jobState()) === "DONE", 60_000);
  assert.ok(existsSync(out));
});

test("a finished job's outputs open in Storage", async () => {
  const artifacts = process.env.STOWAGE_E2E_ARTIFACTS;
  if (artifacts) writeFileSync(`${artifacts}/job-page.png`, await session.screenshot());
  await (await $("browse-outputs")).click();
  const rows = await session.waitFor("the pushed checkpoint", async () => {
    const found = await texts("object-row");
    return found.some((r) => r.includes("epoch-1.pt")) && found;
  }, 30_000);
  assert.ok(rows.some((r) => r.includes("19.5 KB") || r.includes("20 KB")), `${rows}`);
});
