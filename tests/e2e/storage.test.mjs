// The real app under Xvfb, driven over WebDriver (tauri-driver +
// WebKitWebDriver). scripts/test sets STOWAGE_APP (the binary), the
// WebDriver URL, the app's config/data dirs, and seeds the local store with
// the CLI before the window opens. The first test passes the first-run
// screen with "Try it on this computer".
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
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

  // Opening it shows the empty-folder state.
  const row = (await session.findAll('[data-testid="container-row"]')).at(rows.findIndex((t) => t.includes(name)));
  await row.click();
  await session.waitFor("the empty folder state", () => session.find('[data-testid="empty-folder"]'));
});
