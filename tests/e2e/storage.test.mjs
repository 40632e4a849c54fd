// The real app under Xvfb, driven over WebDriver (tauri-driver +
// WebKitWebDriver). scripts/test sets STOWAGE_APP (the binary), the
// WebDriver URL, the app's config/data dirs, and seeds the local store with
// the CLI before the window opens. The first test passes the first-run
// screen with "Try it on this computer".
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentProfile, openApp } from "./app.mjs";

const seeded = process.env.STOWAGE_E2E_SEEDED_CONTAINER;
const artifacts = process.env.STOWAGE_E2E_ARTIFACTS;

let session;

before(async () => {
  session = await openApp();
});

after(async () => {
  if (session && artifacts) writeFileSync(`${artifacts}/storage-view.png`, await session.screenshot());
  await session?.end();
});

test("the first start offers this computer or OVHcloud, then lists the embedded default's containers", async () => {
  assert.ok(session.sawFirstRun, "a fresh install opens on the first-run screen");
  assert.equal(await currentProfile(session), "This computer");
  const names = await session.waitFor("the seeded container", async () => {
    const texts = await session.texts('[data-testid="container-row"]');
    return texts.some((t) => t.includes(seeded)) && texts;
  });
  assert.ok(names.some((t) => t.includes(seeded)), `rows: ${names}`);
});

test("a bad container name is refused inline and creates nothing", async () => {
  await (await session.find('[data-testid="new-container"]')).click();
  const input = await session.waitFor("the name field", () => session.find('[data-testid="container-name"]'));
  await input.type("Bad_Name");
  await (await session.find('[data-testid="create-container"]')).click();
  const message = await session.waitFor("the inline error", async () => (await session.find('[data-testid="container-name-error"]')).text());
  assert.match(message, /lowercase/);
  await input.clear();
  // Escape closes the dialog without creating anything.
  await input.type("\uE00C");
  await session.waitFor("the dialog to close", async () => (await session.findAll('[data-testid="container-name"]')).length === 0);
  const rows = await session.texts('[data-testid="container-row"]');
  assert.ok(!rows.some((t) => t.toLowerCase().includes("bad")), `rows: ${rows}`);
});

test("creating a container through the UI makes it appear", async () => {
  const name = `e2e-${Date.now()}`;
  await (await session.find('[data-testid="new-container"]')).click();
  const input = await session.waitFor("the name field", () => session.find('[data-testid="container-name"]'));
  await input.type(name);
  await (await session.find('[data-testid="create-container"]')).click();
  const rows = await session.waitFor("the new container row", async () => {
    const texts = await session.texts('[data-testid="container-row"]');
    return texts.some((t) => t.includes(name)) && texts;
  });
  assert.ok(rows.some((t) => t.includes(seeded)), "the seeded container is still listed");
  // Each container's contents are counted in the background.
  await session.waitFor("the new container counted", async () =>
    (await session.texts(`[data-container="${name}"] [data-testid="container-size"]`))[0] === "0 objects · 0 B");

  // Opening it shows the empty-folder state.
  const row = (await session.findAll('[data-testid="container-row"]')).at(rows.findIndex((t) => t.includes(name)));
  await row.click();
  await session.waitFor("the empty folder state", () => session.find('[data-testid="empty-folder"]'));
});

test("a container that is not empty is said so before any confirmation; an empty one is deleted after one", async () => {
  const full = `e2e-full-${Date.now()}`;
  const empty = `e2e-empty-${Date.now()}`;
  const dir = mkdtempSync(join(tmpdir(), "stowage-e2e-containers-"));
  writeFileSync(join(dir, "kept.txt"), "keep me");
  const profile = await currentProfile(session);
  const done = await session.executeAsync(`const [profile, full, empty, path, done] = arguments;
    const invoke = window.__TAURI_INTERNALS__.invoke;
    invoke("create_container", { profile, name: full, versioning: false, storageClass: null })
      .then(() => invoke("create_container", { profile, name: empty, versioning: false, storageClass: null }))
      .then(() => invoke("start_upload", { profile, paths: [path], container: full, prefix: "", existing: "overwrite" }))
      .then(() => done("ok"), (e) => done(JSON.stringify(e)));`, [profile, full, empty, join(dir, "kept.txt")]);
  assert.equal(done, "ok");
  await (await session.find('[data-testid="crumb-root"]')).click();
  const clickDelete = (name) => session.execute(`[...document.querySelectorAll('[data-testid="container-row"]')]
    .find((r) => r.dataset.container === arguments[0]).querySelector('[data-testid="delete-container"]').click()`, [name]);
  await session.waitFor("both containers", async () => {
    const rows = await session.texts('[data-testid="container-row"]');
    return rows.some((t) => t.includes(full)) && rows.some((t) => t.includes(empty));
  });
  // The upload may still be landing: wait until the container lists its object.
  await session.waitFor("the object in the full container", async () => {
    const page = await session.executeAsync(`window.__TAURI_INTERNALS__.invoke("list_folder", { profile: arguments[0], container: arguments[1], prefix: "", continuation: null }).then(arguments[2], () => arguments[2]({ objects: [] }))`, [profile, full]);
    return page.objects.length === 1;
  });

  await clickDelete(full);
  const said = await session.waitFor("the refusal", async () => (await session.texts('[role="alert"]')).find((t) => t.includes("not empty")));
  assert.match(said, new RegExp(`${full} is not empty`));
  assert.equal((await session.findAll('[data-testid="confirm-dialog"]')).length, 0, "no confirmation for a delete that would be refused");

  await clickDelete(empty);
  await (await session.waitFor("the confirmation", () => session.find('[data-testid="confirm-delete"]'))).click();
  await session.waitFor("the empty container gone", async () => !(await session.texts('[data-testid="container-row"]')).some((t) => t.includes(empty)));
  assert.ok((await session.texts('[data-testid="container-row"]')).some((t) => t.includes(full)), "the full one stays");
});

test("a row shows a focus ring only while the keyboard moves through the list, and row actions show without hovering", async () => {
  const ring = () => session.execute("const e = document.activeElement; return [e.dataset.container ?? e.dataset.key ?? e.tagName, getComputedStyle(e).outlineStyle]");
  await (await session.find('[data-testid="crumb-root"]')).click();
  // A container created from the keyboard gets focus from the app, not from the user: no ring.
  const name = `e2e-ring-${Date.now()}`;
  await (await session.waitFor("New container", () => session.find('[data-testid="new-container"]'))).click();
  const input = await session.waitFor("the name field", () => session.find('[data-testid="container-name"]'));
  await input.type(`${name}\uE007`);
  const [focused, outline] = await session.waitFor("the new row focused", async () => {
    const now = await ring();
    return now[0] === name && now;
  });
  assert.equal(outline, "none", `the row ${focused} the app focused shows no ring`);

  // Every row's actions can be seen with the pointer elsewhere.
  const hidden = await session.execute(`return [...document.querySelectorAll('[data-testid="container-row"] .row-action')]
    .filter((b) => !b.closest('.row').matches(':hover') && (getComputedStyle(b).opacity !== "1" || getComputedStyle(b).visibility !== "visible"))
    .map((b) => b.textContent.trim())`);
  assert.deepEqual(hidden, [], "row actions hidden until hover");

  const dir = mkdtempSync(join(tmpdir(), "stowage-e2e-ring-"));
  for (const file of ["a.txt", "b.txt"]) writeFileSync(join(dir, file), file);
  const done = await session.executeAsync(`const [profile, container, paths, done] = arguments;
    window.__TAURI_INTERNALS__.invoke("start_upload", { profile, paths, container, prefix: "", existing: "overwrite" })
      .then(() => done("ok"), (e) => done(JSON.stringify(e)));`, [await currentProfile(session), name, [join(dir, "a.txt"), join(dir, "b.txt")]]);
  assert.equal(done, "ok");
  await session.execute(`document.querySelector('[data-container="${name}"]').click()`);
  const first = await session.waitFor("both files listed", async () => {
    const rows = await session.findAll('[data-testid="object-row"]');
    return rows.length === 2 && rows[0];
  });
  await first.click();
  assert.deepEqual(await ring(), ["a.txt", "none"], "a clicked row shows no ring");
  await session.keys("\uE015");
  assert.deepEqual(await ring(), ["b.txt", "solid"], "the row reached with an arrow key shows its ring");
  // Focus elsewhere: no row keeps a mark.
  await (await session.find('[data-testid="filter"]')).click();
  const marked = await session.execute(`return [...document.querySelectorAll('[data-testid="object-row"]')]
    .filter((r) => getComputedStyle(r).outlineStyle !== "none" || getComputedStyle(r).boxShadow !== "none").map((r) => r.dataset.key)`);
  assert.deepEqual(marked, [], "rows marked with the focus elsewhere");
});
