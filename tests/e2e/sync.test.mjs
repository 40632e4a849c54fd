// Sync and the storage browser in the real window against Garage: preview a
// push, save it, apply it, see the plan go empty; a mass deletion is refused
// until allowed; then browse the result, read an object's details, download
// it, and delete a selection after a confirmation that counts it.
// Runs after uploads.test.mjs, with the "OVH test" profile current.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { env, openApp, TEST_PROFILE } from "./app.mjs";

let session;
const bucket = () => env("STOWAGE_TEST_S3_BUCKET");
const prefix = `e2e-sync-${Date.now()}/`;
const folder = mkdtempSync(join(tmpdir(), "stowage-e2e-sync-"));

before(async () => {
  session = await openApp();
});

after(async () => {
  const artifacts = process.env.STOWAGE_E2E_ARTIFACTS;
  if (session && artifacts) writeFileSync(`${artifacts}/sync.png`, await session.screenshot());
  await session?.end();
});

const $ = (testid) => session.waitFor(testid, () => session.find(`[data-testid="${testid}"]`));
const texts = (testid) => session.texts(`[data-testid="${testid}"]`);

const planId = () => session.execute(`return document.querySelector('[data-testid="sync-plan"]')?.dataset.planId ?? ""`);

/** Waits for a plan other than the one shown now. */
async function nextPlan(action) {
  const before = await planId();
  await action();
  await session.waitFor("a new plan", async () => {
    const now = await planId();
    return now !== "" && now !== before;
  }, 30_000);
}

const preview = () => nextPlan(async () => (await $("sync-preview")).click());

async function applyAndWait() {
  await (await $("sync-apply")).click();
  return session.waitFor("the sync to finish", async () => {
    const [line] = await texts("sync-progress");
    return line && !line.startsWith("Syncing") && line;
  }, 60_000);
}

test("a push is previewed, saved, applied, and then has nothing to do", async () => {
  mkdirSync(join(folder, "checkpoints"), { recursive: true });
  writeFileSync(join(folder, "checkpoints", "epoch-1.pt"), Buffer.alloc(70_000, 3));
  writeFileSync(join(folder, "config.yaml"), "lr: 0.1\n");
  writeFileSync(join(folder, "metrics.csv"), "step,loss\n1,3.2\n");
  writeFileSync(join(folder, "partial.tmp"), "left out by default");

  await (await $("nav-sync")).click();
  const input = await $("sync-folder");
  await input.clear();
  await input.type(folder);
  await session.waitFor("the bucket in the container list", async () =>
    session.execute(`return [...document.querySelectorAll('[data-testid="sync-container"] option')].some((o) => o.value === arguments[0])`, [bucket()]));
  await session.execute(`const s = document.querySelector('[data-testid="sync-container"]');
    s.value = arguments[0]; s.dispatchEvent(new Event("change", { bubbles: true }));`, [bucket()]);
  const prefixInput = await $("sync-prefix");
  await prefixInput.type(prefix);
  // A new sync deletes nothing until a mode that deletes is chosen.
  assert.deepEqual(await session.execute(`return ["mode-copy", "mode-push", "mode-pull", "direction-up"].map((id) =>
    document.querySelector('[data-testid="' + id + '"]').classList.contains("on"))`), [true, false, false, true]);
  await (await $("mode-push")).click();

  await preview();
  const [uploads] = await texts("count-upload");
  assert.match(uploads, /Upload: 3/, uploads);
  const ops = await texts("plan-op");
  assert.equal(ops.length, 3, `${ops}`);
  assert.ok(ops.every((op) => op.includes("new")), `${ops}`);
  assert.ok(!ops.some((op) => op.includes("partial.tmp")), "temp files are left out");
  assert.ok(ops.some((op) => op.includes("checkpoints/epoch-1.pt")), `${ops}`);
  const pathWidth = await session.execute(`return document.querySelector('[data-testid="plan-op"] span:nth-child(2)').getBoundingClientRect().width`);
  assert.ok(pathWidth > 120, `the path column is wide enough to read (${pathWidth}px)`);
  const artifacts = process.env.STOWAGE_E2E_ARTIFACTS;
  if (artifacts) writeFileSync(`${artifacts}/sync-plan.png`, await session.screenshot());

  const name = await $("sync-save-name");
  await name.type("e2e nightly");
  await (await $("sync-save")).click();
  await session.waitFor("the saved sync", async () => (await texts("saved-syncs")).some((t) => t.includes("e2e nightly")));

  const done = await applyAndWait();
  assert.match(done, /^Done\s*·\s*3 of 3/, done);

  // The saved sync previews again: nothing left to do.
  await nextPlan(() => session.execute(`[...document.querySelectorAll('[data-testid="saved-syncs"] li')]
    .find((li) => li.textContent.includes("e2e nightly")).querySelector('[data-testid="run-saved"]').click()`));
  const [empty] = await texts("plan-empty");
  assert.match(empty, /3 files are the same/, empty);
});

test("deleting most of the prefix is refused until allowed", async () => {
  rmSync(join(folder, "config.yaml"));
  rmSync(join(folder, "metrics.csv"));
  await preview();
  const [blocked] = await texts("plan-blocked");
  assert.match(blocked, /would delete 2 of the 3 files/, blocked);
  assert.equal(await session.execute(`return document.querySelector('[data-testid="sync-apply"]').disabled`), true);

  await nextPlan(async () => (await $("allow-deletes")).click());
  const [deletes] = await texts("count-deleteRemote");
  assert.match(deletes, /Delete from storage: 2/, deletes);
  const done = await applyAndWait();
  assert.match(done, /^Done/, done);
});

test("the browser shows details, downloads, and deletes a counted selection", async () => {
  // Downloads go where Settings says, without a dialog; a folder that is not one is refused.
  const dest = mkdtempSync(join(tmpdir(), "stowage-e2e-download-"));
  await (await $("nav-settings")).click();
  const folderField = await $("download-folder");
  await folderField.clear();
  await folderField.type(join(dest, "missing"));
  await (await $("save-download-folder")).click();
  assert.match(await session.waitFor("the refusal", async () => (await texts("download-folder-error"))[0]), /is not a folder/);
  await folderField.clear();
  await folderField.type(dest);
  await (await $("save-download-folder")).click();
  await session.waitFor("the folder kept", async () => (await texts("download-folder-error")).length === 0
    && readFileSync(join(env("STOWAGE_CONFIG_DIR"), "settings.toml"), "utf8").includes(`download_folder = "${dest}"`));
  await (await $("nav-storage")).click();
  await session.waitFor("the bucket row", async () => (await texts("container-row")).some((t) => t.includes(bucket())));
  await session.execute(`[...document.querySelectorAll('[data-testid="container-row"]')].find((r) => r.dataset.container === arguments[0]).click()`, [bucket()]);
  for (const name of [prefix.slice(0, -1), "checkpoints"]) {
    await session.waitFor(`the ${name} folder`, async () => (await texts("folder-row")).some((t) => t.startsWith(name)));
    await session.execute(`[...document.querySelectorAll('[data-testid="folder-row"]')].find((r) => r.textContent.trim().startsWith(arguments[0])).click()`, [name]);
  }
  const row = await session.waitFor("the checkpoint", async () => {
    const rows = await session.findAll('[data-testid="object-row"]');
    return rows.length === 1 && rows[0];
  });
  await row.click();
  const [etag] = await session.waitFor("the details", async () => (await texts("details-etag")).length && texts("details-etag"));
  assert.match(etag, /^[0-9a-f]{32}$/, `the ETag is the MD5 of a single-part upload: ${etag}`);

  await (await $("download-object")).click();
  await session.waitFor("the downloaded file", async () => existsSync(join(dest, "epoch-1.pt")), 30_000);
  assert.deepEqual(readFileSync(join(dest, "epoch-1.pt")), Buffer.alloc(70_000, 3));

  // Delete: select the row, confirm a dialog that says how much goes.
  await (await $("select-all")).click();
  await (await $("delete-selection")).click();
  const dialog = await $("confirm-dialog");
  const said = await dialog.text();
  assert.match(said, /Delete 1 object \(68 KB\)\?/, said);
  await (await $("confirm-delete")).click();
  await session.waitFor("the emptied folder", async () => (await session.findAll('[data-testid="object-row"]')).length === 0, 30_000);
});

test("a plan of thousands of operations arrives a page at a time as its list scrolls", async () => {
  const big = mkdtempSync(join(tmpdir(), "stowage-e2e-bigplan-"));
  for (let i = 0; i < 2100; i++) writeFileSync(join(big, `shard-${String(i).padStart(4, "0")}.txt`), "x");
  await (await $("nav-sync")).click();
  const input = await $("sync-folder");
  await input.clear();
  await input.type(big);
  const prefixInput = await $("sync-prefix");
  await prefixInput.clear();
  await prefixInput.type(`e2e-bigplan-${Date.now()}/`);
  await (await $("mode-push")).click();
  await preview();
  const [counted] = await texts("count-upload");
  assert.match(counted, /Upload: 2100/, counted);
  const rows = () => session.execute(`return Number(document.querySelector('[data-testid="plan-ops"]').dataset.rows)`);
  assert.equal(await rows(), 2000, "the first page");
  assert.match((await texts("plan-shown"))[0], /first 2,?000 of 2,?100/);
  await session.execute(`const box = document.querySelector('[data-testid="plan-ops"]'); box.scrollTop = box.scrollHeight;`);
  await session.waitFor("the next page", async () => (await rows()) === 2100);
  assert.equal((await session.findAll('[data-testid="plan-shown"]')).length, 0, "everything is listed");
});
