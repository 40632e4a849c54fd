// Watched folders in the real window against Garage: add one, see it come
// in sync, add and delete files in it and see the container follow, pause
// it, stop watching it. Runs after jobs.test.mjs ("OVH test" current).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openApp, remoteKeys, watchThroughTheWindow } from "./app.mjs";

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

const keys = () => remoteKeys(session, "e2e-watch/");

test("a watched folder comes in sync and follows additions and deletions", async () => {
  writeFileSync(join(folder, "first.csv"), "1,cat\n");
  await (await $("nav-watched")).click();
  await $("watch-empty");
  await watchThroughTheWindow(session, folder, "e2e-watch/");
  assert.deepEqual(await keys(), ["e2e-watch/first.csv"]);
  const artifacts = process.env.STOWAGE_E2E_ARTIFACTS;
  if (artifacts) writeFileSync(`${artifacts}/watched-list.png`, await session.screenshot());

  writeFileSync(join(folder, "second.csv"), "2,dog\n");
  await session.waitFor("the new file in the container", async () => (await keys()).includes("e2e-watch/second.csv"), 30_000);
  rmSync(join(folder, "first.csv"));
  await session.waitFor("the deletion followed", async () => {
    const left = await keys();
    return left.length === 1 && left[0] === "e2e-watch/second.csv";
  }, 30_000);
});

test("a watched folder pauses and stops being watched", async () => {
  await (await $("watch-pause")).click();
  await session.waitFor("paused", async () => (await texts("watch-state"))[0] === "Paused");
  writeFileSync(join(folder, "while-paused.csv"), "3\n");
  // Longer than a running watch needs for a new file (2 s still + a round).
  await new Promise((resolve) => setTimeout(resolve, 4_000));
  assert.ok(!(await keys()).includes("e2e-watch/while-paused.csv"), "nothing synced while paused");
  await (await $("watch-remove")).click();
  await (await $("confirm-delete")).click();
  await $("watch-empty");
});
