// Watched folders in the real window against Garage: add one, see it come
// in sync, add and delete files in it and see the container follow, pause
// it, stop watching it. Runs after jobs.test.mjs ("OVH test" current).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { env, openApp } from "./app.mjs";

let session;
const folder = mkdtempSync(join(tmpdir(), "stowage-e2e-watch-"));

before(async () => {
  session = await openApp();
});

after(async () => {
  const artifacts = process.env.STOWAGE_E2E_ARTIFACTS;
  if (session && artifacts) writeFileSync(`${artifacts}/watched.png`, await session.screenshot());
  await session?.end();
});

const $ = (testid) => session.waitFor(testid, () => session.find(`[data-testid="${testid}"]`));
const texts = (testid) => session.texts(`[data-testid="${testid}"]`);

/** The keys under the watched prefix, as the storage browser lists them. */
async function remoteKeys() {
  const page = await session.executeAsync(`const [container, done] = arguments;
    window.__TAURI_INTERNALS__.invoke("list_folder", { container, prefix: "e2e-watch/", continuation: null })
      .then(done, (e) => done({ objects: [], error: e }));`, [env("STOWAGE_TEST_S3_BUCKET")]);
  return page.objects.map((o) => o.key).sort();
}

test("a watched folder comes in sync and follows additions and deletions", async () => {
  writeFileSync(join(folder, "first.csv"), "1,cat\n");
  await (await $("nav-watched")).click();
  await $("watch-empty");
  await (await $("watch-add")).click();
  await (await $("watch-folder")).type(folder);
  await session.waitFor("the bucket option", async () =>
    session.execute(`return [...document.querySelectorAll('[data-testid="watch-container"] option')].some((o) => o.value === arguments[0])`, [env("STOWAGE_TEST_S3_BUCKET")]));
  await session.execute(`for (const [id, value] of [["watch-container", arguments[0]], ["watch-delete", "propagate"]]) {
      const s = document.querySelector('[data-testid="' + id + '"]'); s.value = value; s.dispatchEvent(new Event("change", { bubbles: true })); }`,
  [env("STOWAGE_TEST_S3_BUCKET")]);
  await (await $("watch-prefix")).type("e2e-watch/");
  await (await $("watch-confirm")).click();

  const state = await session.waitFor("in sync", async () => {
    const [s] = await texts("watch-state");
    return s?.startsWith("In sync ·") && s;
  }, 30_000);
  assert.ok(state);
  assert.deepEqual(await remoteKeys(), ["e2e-watch/first.csv"]);
  const artifacts = process.env.STOWAGE_E2E_ARTIFACTS;
  if (artifacts) writeFileSync(`${artifacts}/watched-list.png`, await session.screenshot());

  writeFileSync(join(folder, "second.csv"), "2,dog\n");
  await session.waitFor("the new file in the container", async () => (await remoteKeys()).includes("e2e-watch/second.csv"), 30_000);
  rmSync(join(folder, "first.csv"));
  await session.waitFor("the deletion followed", async () => {
    const keys = await remoteKeys();
    return keys.length === 1 && keys[0] === "e2e-watch/second.csv";
  }, 30_000);
});

test("a watched folder pauses and stops being watched", async () => {
  await (await $("watch-pause")).click();
  await session.waitFor("paused", async () => (await texts("watch-state"))[0] === "Paused");
  writeFileSync(join(folder, "while-paused.csv"), "3\n");
  // Longer than a running watch needs for a new file (2 s still + a round).
  await new Promise((resolve) => setTimeout(resolve, 4_000));
  assert.ok(!(await remoteKeys()).includes("e2e-watch/while-paused.csv"), "nothing synced while paused");
  await (await $("watch-remove")).click();
  await $("watch-empty");
});
