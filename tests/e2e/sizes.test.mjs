// Every view and dialog at the smallest window (760x480) and the default
// (1120x748): nothing spills out of its box, nothing is off-screen where no
// scrolling reaches, no column is squeezed below its words. At the default
// size each state also passes axe-core (WCAG 2 AA) in light and dark with no
// serious or critical violation. Each state is screenshot into the
// artifacts folder. Runs after jobs.test.mjs: the
// profile, bucket, syncs, watched folders and jobs the views show exist.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { env, openApp, TEST_PROFILE } from "./app.mjs";
import { FIND_PROBLEMS, resize } from "./layout.mjs";
import { axeViolations, setDark } from "./a11y.mjs";

let session;
let syncFolder;
const artifacts = process.env.STOWAGE_E2E_ARTIFACTS;

before(async () => {
  session = await openApp();
  // A finished transfer for the Transfers view to show, a folder for Sync to plan.
  const dir = mkdtempSync(join(tmpdir(), "stowage-e2e-sizes-"));
  syncFolder = join(dir, "run-with-a-long-folder-name-for-the-plan");
  mkdirSync(join(syncFolder, "checkpoints", "epoch-0001"), { recursive: true });
  writeFileSync(join(syncFolder, "checkpoints", "epoch-0001", "model-weights-after-the-first-epoch.safetensors"), "w");
  writeFileSync(join(syncFolder, "config.yaml"), "lr: 0.1\n");
  writeFileSync(join(dir, "a-file-with-a-rather-long-name-to-see-where-it-ends.csv"), "a,b\n");
  await session.executeAsync(`const [profile, paths, container, done] = arguments;
    window.__TAURI_INTERNALS__.invoke("start_upload", { profile, paths, container, prefix: "e2e-sizes/", existing: "overwrite" }).then(done, done);`,
  [TEST_PROFILE, [join(dir, "a-file-with-a-rather-long-name-to-see-where-it-ends.csv")], env("STOWAGE_TEST_S3_BUCKET")]);
});

after(async () => {
  await session?.end();
});

const $ = (testid) => session.waitFor(testid, () => session.find(`[data-testid="${testid}"]`));
const click = async (testid) => (await $(testid)).click();
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

/** The states a person passes through, each reached from the one before. */
const states = [
  ["storage-containers", async () => { await click("nav-storage"); await click("crumb-root"); await $("container-row"); }],
  ["storage-folder-details", async () => {
    const bucket = env("STOWAGE_TEST_S3_BUCKET");
    await session.execute(`[...document.querySelectorAll('[data-testid="container-row"]')].find((r) => r.dataset.container === arguments[0]).click()`, [bucket]);
    await session.waitFor("a folder", async () => (await session.findAll('[data-testid="folder-row"]')).length > 0);
    await session.execute(`[...document.querySelectorAll('[data-testid="folder-row"]')].find((r) => r.textContent.trim().startsWith("e2e"))?.click()`);
    await $("object-row");
    await click("object-row");
    await $("object-details");
  }],
  ["share-dialog", async () => { await click("share-object"); await $("share-url"); }],
  ["new-container-dialog", async () => {
    await session.keys("\uE00C");
    await click("crumb-root");
    await click("new-container");
    await $("container-name");
  }],
  ["transfers", async () => { await session.keys("\uE00C"); await click("nav-transfers"); await $("transfer"); }],
  ["sync-plan", async () => {
    await click("nav-sync");
    const input = await $("sync-folder");
    await input.clear();
    await input.type(syncFolder);
    await session.waitFor("the bucket option", () =>
      session.execute(`return [...document.querySelectorAll('[data-testid="sync-container"] option')].some((o) => o.value === arguments[0])`, [env("STOWAGE_TEST_S3_BUCKET")]));
    await session.execute(`const s = document.querySelector('[data-testid="sync-container"]');
      s.value = arguments[0]; s.dispatchEvent(new Event("change", { bubbles: true }));`, [env("STOWAGE_TEST_S3_BUCKET")]);
    const prefix = await $("sync-prefix");
    await prefix.clear();
    await prefix.type("e2e-sizes-sync/");
    await click("mode-push");
    await click("sync-preview");
    await $("plan-op");
  }],
  ["watched", async () => { await click("nav-watched"); await pause(500); }],
  ["volumes", async () => { await click("nav-volumes"); await pause(500); }],
  ["jobs", async () => {
    await click("nav-jobs");
    await pause(800);
    // With the API set up (jobs.test.mjs did), open a job: its facts, timeline and volumes.
    const rows = await session.findAll('[data-testid="job-row"]');
    if (rows.length) {
      await rows[0].click();
      await $("job-facts");
    }
  }],
  ["launch-job-dialog", async () => { await click("jobs-launch"); await $("launch-dialog"); await pause(300); }],
  ["launch-notebook-dialog", async () => {
    await session.keys("\uE00C");
    await click("kind-notebooks");
    await click("jobs-launch");
    await $("launch-framework");
    await session.waitFor("the frameworks", async () => (await session.texts('[data-testid="launch-framework"]'))[0]?.includes("PyTorch"));
  }],
  ["settings", async () => { await session.keys("\uE00C"); await click("kind-jobs"); await click("nav-settings"); await $("add-profile"); }],
  ["profile-dialog-tested", async () => {
    await click("add-profile");
    await (await $("profile-name")).type("Sizes check");
    await (await $("profile-access-key")).type("AKIA-not-real");
    await (await $("profile-secret-key")).type("not-a-real-secret");
    await session.execute(`const e = document.querySelector('[data-testid="profile-endpoint"]'); e.value = "http://127.0.0.1:9"; e.dispatchEvent(new Event("input", { bubbles: true }));`);
    await click("test-profile");
    await $("test-result");
  }],
  ["about-dialog", async () => { await session.keys("\uE00C"); await click("open-about"); await pause(300); }],
];

test("the layout checker sees a select narrower than its choice, a dialog past the window, a dialog's buttons under its edge and a name cut beside free room", async () => {
  await resize(session, 760, 480);
  const problems = await session.execute(`
    const made = document.createElement("div");
    made.id = "layout-check-fixture";
    made.innerHTML = '<select style="width: 40px"><option>PyTorch 2.4</option></select>'
      + '<div style="position: fixed; top: 100px; left: 20px; width: 300px; height: 600px; overflow: auto">'
      + '<p>A form</p><div style="height: 520px"></div><div><button>Launch the fixture</button></div></div>'
      + '<div role="dialog" style="position: fixed; top: 20px; left: 360px; width: 300px; height: 200px; overflow: auto">'
      + '<div style="height: 400px"></div><div class="dialog-actions" style="bottom: -20px"><button>Go</button></div></div>'
      + '<div style="position: fixed; top: 300px; left: 100px; width: 600px; display: flex; justify-content: space-between">'
      + '<span class="ellipsis" style="max-width: 30px">A long folder name</span><button>One</button></div>';
    document.body.appendChild(made);
    ${FIND_PROBLEMS}`);
  await session.execute('document.getElementById("layout-check-fixture").remove()');
  assert.ok(problems.some((p) => p.startsWith("a select narrower than its choice") && p.includes("PyTorch 2.4")), problems.join("\n"));
  assert.ok(problems.some((p) => p.startsWith("outside the window") && p.includes("Launch the fixture")), problems.join("\n"));
  assert.ok(problems.some((p) => p.startsWith("a dialog's buttons cut off by its edge")), problems.join("\n"));
  assert.ok(problems.some((p) => p.startsWith("cut to an ellipsis beside") && p.includes("A long folder name")), problems.join("\n"));
});

for (const [width, height] of [[760, 480], [1120, 748]]) {
  test(`every view and dialog holds at ${width}x${height}${width === 1120 ? ", and passes axe in light and dark" : ""}`, async () => {
    await resize(session, width, height);
    const found = [];
    for (const [name, reach] of states) {
      await reach();
      await pause(250);
      if (artifacts) writeFileSync(`${artifacts}/size-${width}x${height}-${name}.png`, await session.screenshot());
      const problems = await session.execute(FIND_PROBLEMS);
      found.push(...problems.map((p) => `${name}: ${p}`));
      if (width === 1120) {
        for (const dark of [false, true]) {
          await setDark(session, dark);
          if (dark && artifacts) writeFileSync(`${artifacts}/size-${width}x${height}-${name}-dark.png`, await session.screenshot());
          found.push(...(await axeViolations(session)).map((v) => `${name} (${dark ? "dark" : "light"}): ${v}`));
        }
        await setDark(session, false);
      }
    }
    await session.keys("\uE00C");
    assert.deepEqual(found, [], `layout and accessibility problems at ${width}x${height}:\n${found.join("\n")}`);
  });
}
