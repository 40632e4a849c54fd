// Uploads in the real window against Garage. WebDriver cannot drop files
// from the desktop onto WebKit, so the test calls the same command the drop
// handler calls (start_upload, with the dropped paths), then follows the
// transfer in the Transfers view and finds the files in Storage.
// Runs after profiles.test.mjs, whose "OVH test" profile is current.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { env, openApp } from "./app.mjs";

let session;

before(async () => {
  session = await openApp();
});

after(async () => {
  const artifacts = process.env.STOWAGE_E2E_ARTIFACTS;
  if (session && artifacts) writeFileSync(`${artifacts}/transfers.png`, await session.screenshot());
  await session?.end();
});

const $ = (testid) => session.waitFor(testid, () => session.find(`[data-testid="${testid}"]`));

/** What the drop handler does with dropped paths. */
function drop(paths, prefix) {
  return session.executeAsync(`
    const [paths, container, prefix, done] = arguments;
    window.__TAURI_INTERNALS__.invoke("start_upload", { paths, container, prefix, existing: "overwrite" })
      .then((id) => done({ id }), (e) => done({ error: e }));
  `, [paths, env("STOWAGE_TEST_S3_BUCKET"), prefix]);
}

async function transferStates() {
  return session.execute(`return [...document.querySelectorAll('[data-testid="transfer"]')].map((t) => [t.dataset.state, t.textContent])`);
}

test("a dropped folder uploads, shows its progress, and lands in Storage", async () => {
  const dir = mkdtempSync(join(tmpdir(), "stowage-e2e-upload-"));
  mkdirSync(join(dir, "shots", "day 1"), { recursive: true });
  writeFileSync(join(dir, "shots", "day 1", "frame-001.png"), Buffer.alloc(150_000, 1));
  writeFileSync(join(dir, "shots", "notes.txt"), "taken at dawn");

  await (await $("nav-transfers")).click();
  await $("empty-transfers");
  const started = await drop([join(dir, "shots")], "e2e/");
  assert.ok(started.id >= 1, JSON.stringify(started));

  const [state, text] = await session.waitFor("the finished transfer", async () => {
    const states = await transferStates();
    return states.length && states[0][0] !== "running" && states[0];
  }, 60_000);
  assert.equal(state, "done", text);
  assert.match(text, /2 of 2 files/);
  assert.match(text, /2 uploaded/);

  await (await $("nav-storage")).click();
  const bucket = env("STOWAGE_TEST_S3_BUCKET");
  await session.waitFor("the bucket row", async () => (await session.texts('[data-testid="container-row"]')).some((t) => t.includes(bucket)));
  await session.execute(`[...document.querySelectorAll('[data-testid="container-row"]')].find((r) => r.dataset.container === arguments[0]).click()`, [bucket]);
  for (const folder of ["e2e", "shots"]) {
    await session.waitFor(`the ${folder} folder`, async () => (await session.texts('[data-testid="folder-row"]')).some((t) => t.startsWith(folder)));
    await session.execute(`[...document.querySelectorAll('[data-testid="folder-row"]')].find((r) => r.textContent.trim().startsWith(arguments[0])).click()`, [folder]);
  }
  const objects = await session.waitFor("the uploaded note", async () => {
    const rows = await session.texts('[data-testid="object-row"]');
    return rows.some((r) => r.includes("notes.txt")) && rows;
  });
  assert.ok(objects.some((r) => r.includes("13 B")), `sizes are shown: ${objects}`);
});

test("a path that is gone fails with a sentence, and can be retried", async () => {
  const gone = join(tmpdir(), `stowage-e2e-gone-${Date.now()}`);
  await drop([gone], "e2e/");
  await (await $("nav-transfers")).click();
  const [state] = await session.waitFor("the failed transfer", async () => {
    const states = await transferStates();
    return states.length && states[0][0] !== "running" && states[0];
  }, 30_000);
  assert.equal(state, "failed");
  await session.execute(`document.querySelector('[data-testid="transfer"] button.link').click()`);
  const problems = await session.texts('[data-testid="transfer"] .problems li');
  assert.ok(problems.some((p) => p.includes("This path does not exist")), `${problems}`);
  await $("retry-transfer");
});
