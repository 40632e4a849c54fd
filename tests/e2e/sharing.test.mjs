// Bandwidth limits, share links, versions and storage classes in the real
// window. Garage (the "OVH test" profile from profiles.test.mjs) has no
// versioning, so the versions run on moto, added here as a profile; the
// local store shows what does not apply to a folder.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentProfile, env, openApp, TEST_PROFILE } from "./app.mjs";
import { sleep } from "./webdriver.mjs";

let session;

before(async () => {
  session = await openApp();
});

after(async () => {
  await session?.end();
});

const $ = (testid) => session.waitFor(testid, () => session.find(`[data-testid="${testid}"]`));
const settingsFile = () => readFileSync(join(env("STOWAGE_CONFIG_DIR"), "settings.toml"), "utf8");

/** Calls a command the way the window does; its answer, or { error }. */
function invoke(command, args) {
  return session.executeAsync(`const [command, args, done] = arguments;
    window.__TAURI_INTERNALS__.invoke(command, args).then((r) => done(r === undefined ? null : r), (e) => done({ error: e }));`,
  [command, args]);
}

/** Sets a <select> as a person picking an option would. */
function choose(testid, value) {
  return session.execute(`const s = document.querySelector('[data-testid="' + arguments[0] + '"]');
    s.value = arguments[1]; s.dispatchEvent(new Event("change", { bubbles: true }));`, [testid, value]);
}

async function switchTo(profile) {
  await (await session.waitFor(`the ${profile} option`, () => session.find(`[data-testid="profile-switcher"] option[value="${profile}"]`))).click();
  await session.waitFor("the switch", async () => (await currentProfile(session)) === profile);
  await (await $("nav-storage")).click();
}

async function openContainer(name) {
  await session.waitFor(`the ${name} row`, async () => (await session.findAll(`[data-container="${name}"]`)).length > 0);
  await (await session.find(`[data-container="${name}"]`)).click();
}

async function openObject(key) {
  const row = await session.waitFor(`the ${key} row`, () => session.find(`[data-testid="object-row"][data-key="${key}"]`));
  await row.click();
  await session.waitFor("the details", async () => (await session.texts('[data-testid="object-details"] h2'))[0] === key.split("/").at(-1));
}

async function upload(profile, container, paths, prefix = "") {
  const id = await invoke("start_upload", { profile, paths, container, prefix, existing: "overwrite" });
  assert.equal(typeof id, "number", JSON.stringify(id));
  return id;
}

test("a bandwidth limit is set in Settings, paces a running transfer, and one transfer gets its own", async () => {
  await (await $("nav-settings")).click();
  const field = await $("bandwidth-limit");
  await field.type("as fast as you can");
  await (await $("save-bandwidth")).click();
  const refused = await session.waitFor("the refusal", async () => (await session.texts('[data-testid="bandwidth-error"]'))[0]);
  assert.match(refused, /10M, 512k or off/);
  assert.doesNotMatch(settingsFile(), /bandwidth_limit/, "a refused limit changes nothing");

  await field.clear();
  await field.type("08:00,5M 19:00,off");
  await (await $("save-bandwidth")).click();
  const now = await session.waitFor("the limit read back", async () => {
    const [text] = await session.texts('[data-testid="bandwidth-now"]');
    return text?.includes("08:00 5 MiB/s · 19:00 no limit") && text;
  });
  assert.ok(now);
  assert.match(settingsFile(), /bandwidth_limit = "08:00,5M 19:00,off"/);

  // 1 MiB/s for everything, then a 3 MiB file: it cannot be done within two seconds.
  await field.clear();
  await field.type("1M");
  await (await $("save-bandwidth")).click();
  await session.waitFor("1 MiB/s", async () => (await session.texts('[data-testid="bandwidth-now"]'))[0]?.includes("Now: 1 MiB/s"));
  const dir = mkdtempSync(join(tmpdir(), "stowage-e2e-limit-"));
  writeFileSync(join(dir, "shard.tar"), Buffer.alloc(3 * 1024 * 1024, 3));
  await (await $("nav-transfers")).click();
  const id = await upload(TEST_PROFILE, env("STOWAGE_TEST_S3_BUCKET"), [join(dir, "shard.tar")], "e2e-limit/");
  const row = `[data-testid="transfer"][data-id="${id}"]`;
  await session.waitFor("the limit menu of the running transfer", () => session.find(`${row} [data-testid="transfer-limit"]`));
  // The bytes count as they are sent, not when the file ends: part of it shows while it goes.
  const partway = await session.waitFor("a part of the file counted while it is sent", async () => {
    const line = await session.execute(`return document.querySelector(arguments[0])?.textContent`, [`${row} [data-testid="transfer-line"]`]);
    const [, sent, total] = line?.match(/^0 of 1 file · (\S+ \S+) of (\S+ \S+) · /) ?? [];
    return sent && sent !== "0 B" && sent !== total && line;
  }, 10_000);
  assert.doesNotMatch(partway, /NaN|Infinity/, partway);
  assert.equal(await session.execute(`return document.querySelector('[data-testid="global-limit"]').value`), "1M");
  assert.equal(await session.execute(`return document.querySelector(arguments[0] + ' [data-testid="transfer-limit"] option[value="off"]').textContent`, [row]),
    "No limit", "one name for no limit, as in Settings");
  await choose("transfer-limit", "5M");
  await sleep(1500);
  assert.equal(await session.execute(`return document.querySelector(arguments[0]).dataset.state`, [row]), "running",
    "3 MiB at 1 MiB/s is still going after 1.5 s");
  // Lifting the limit for all lets it finish (within its own 5 MiB/s).
  await choose("global-limit", "off");
  await session.waitFor("the transfer to finish", async () =>
    (await session.execute(`return document.querySelector(arguments[0])?.dataset.state`, [row])) === "done", 30_000);
  assert.doesNotMatch(settingsFile(), /bandwidth_limit/, "off is saved as no limit");
});

test("a share link opens without credentials and says until when", async () => {
  const bucket = env("STOWAGE_TEST_S3_BUCKET");
  const dir = mkdtempSync(join(tmpdir(), "stowage-e2e-share-"));
  writeFileSync(join(dir, "labels.csv"), "id,label\n1,cat\n");
  await upload(TEST_PROFILE, bucket, [join(dir, "labels.csv")], "e2e-share/");
  await switchTo(TEST_PROFILE);
  await openContainer(bucket);
  await session.waitFor("the e2e-share folder", () => session.find('[data-testid="folder-row"][data-key="e2e-share/"]'));
  await (await session.find('[data-testid="folder-row"][data-key="e2e-share/"]')).click();
  await openObject("e2e-share/labels.csv");
  await (await $("share-object")).click();
  await choose("share-lifetime", "3600");
  const url = await session.waitFor("the link", async () =>
    session.execute(`return document.querySelector('[data-testid="share-url"]')?.value`));
  await (await $("copy-link")).click();
  const expiry = await session.waitFor("the copy", async () =>
    (await session.texts('[data-testid="share-expiry"]'))[0]?.startsWith("Copied") && (await session.texts('[data-testid="share-expiry"]'))[0]);
  assert.match(expiry, /works until .* no account needed/, expiry);
  assert.equal(execFileSync("xclip", ["-o", "-selection", "clipboard"], { encoding: "utf8" }), url, "the link is on the clipboard");
  assert.ok(!url.includes(env("STOWAGE_TEST_S3_SECRET_KEY")), "the secret is not in the link");
  const fetched = await fetch(url);
  assert.equal(fetched.status, 200);
  assert.equal(await fetched.text(), "id,label\n1,cat\n");
  await (await session.find('[data-testid="share-dialog"] .dialog-actions button')).click();

  // Garage keeps no versions: offered while unknown, refused in a sentence, then not offered again.
  await (await $("turn-on-versioning")).click();
  const refused = await session.waitFor("the refusal", async () => (await session.texts('[data-testid="versions-error"]'))[0]);
  assert.match(refused, /does not offer it/, refused);
  await session.waitFor("no second offer", async () => (await session.findAll('[data-testid="turn-on-versioning"]')).length === 0);
});

test("a versioned container keeps an overwritten file and brings back a deleted one; its class goes to every upload", async () => {
  const saved = await invoke("save_profile", {
    original: null,
    profile: {
      name: "moto",
      backend: {
        kind: "s3", provider: "other", endpoint: env("STOWAGE_TEST_MOTO_S3_ENDPOINT"), region: env("STOWAGE_TEST_MOTO_S3_REGION"),
        pathStyle: true, checksum: { mode: "whenRequired" },
      },
      datastoreAlias: null,
    },
    accessKey: env("STOWAGE_TEST_MOTO_S3_ACCESS_KEY"),
    secretKey: env("STOWAGE_TEST_MOTO_S3_SECRET_KEY"),
  });
  assert.ok(!saved?.error, JSON.stringify(saved));
  await switchTo("moto");

  const name = `e2e-versions-${Date.now()}`;
  await (await $("new-container")).click();
  await (await $("container-name")).type(name);
  await (await $("container-versioning")).click();
  await choose("container-class-choice", "STANDARD_IA");
  await (await $("create-container")).click();
  const badge = await session.waitFor("the class badge", async () =>
    (await session.texts(`[data-container="${name}"] [data-testid="container-class"]`))[0]);
  assert.equal(badge, "IA");

  const dir = mkdtempSync(join(tmpdir(), "stowage-e2e-versions-"));
  const file = join(dir, "model.pt");
  const versionsOf = () => invoke("object_versions", { profile: "moto", container: name, key: "model.pt" });
  writeFileSync(file, "epoch 1");
  await upload("moto", name, [file]);
  await session.waitFor("the first version", async () => (await versionsOf()).length === 1);
  writeFileSync(file, "epoch 2, overwritten by mistake");
  await upload("moto", name, [file]);
  await session.waitFor("the second version", async () => (await versionsOf()).length === 2);

  await openContainer(name);
  const rowBadge = await session.waitFor("the object's class", async () =>
    (await session.texts('[data-testid="object-row"][data-key="model.pt"] [data-testid="object-class"]'))[0]);
  assert.equal(rowBadge, "IA", "the upload took the container's class");
  await openObject("model.pt");
  assert.equal((await session.texts('[data-testid="details-class"]'))[0], "STANDARD_IA");
  const rows = await session.waitFor("two versions", async () => {
    const found = await session.findAll('[data-testid="version-row"]');
    return found.length === 2 && found;
  });
  assert.equal(await rows[0].attribute("data-latest"), "true");

  // The older version comes back as the latest: history keeps all three.
  await (await session.find('[data-testid="version-row"][data-latest="false"] [data-testid="restore-version"]')).click();
  await session.waitFor("three versions", async () => (await session.findAll('[data-testid="version-row"]')).length === 3);
  await session.waitFor("the details to show the restored size", async () =>
    (await session.texts('[data-testid="object-details"] dd')).some((t) => t.includes("(7 bytes)")));

  // Deleted in the window, then brought back from "Deleted…".
  await (await session.find('[data-testid="object-row"][data-key="model.pt"] [data-testid="select-row"]')).click();
  await (await $("delete-selection")).click();
  await (await $("confirm-delete")).click();
  await session.waitFor("the folder to be empty", async () => (await session.findAll('[data-testid="object-row"]')).length === 0);
  await (await $("show-deleted")).click();
  await (await session.waitFor("the deleted row", () => session.find('[data-testid="deleted-row"][data-key="model.pt"]'))).click();
  await (await $("bring-back")).click();
  const notice = await session.waitFor("the notice", async () => (await session.texts('[data-testid="deleted-notice"]'))[0]);
  assert.match(notice, /model\.pt is back/);
  await (await session.find('[data-testid="deleted-dialog"] .dialog-actions button')).click();
  await session.waitFor("the object back in the folder", () => session.find('[data-testid="object-row"][data-key="model.pt"]'));
  const body = await invoke("share_link", { profile: "moto", container: name, key: "model.pt", expiresSecs: 3600 });
  assert.equal(await (await fetch(body.url)).text(), "epoch 1", "it came back with the restored content");

  // One version deleted for good, after a confirmation.
  const before = (await versionsOf()).length;
  await openObject("model.pt");
  await session.waitFor("the versions", async () => (await session.findAll('[data-testid="version-row"]')).length === before);
  await (await session.find('[data-testid="version-row"]:last-child [data-testid="delete-version"]')).click();
  const confirm = (await session.texts('[data-testid="confirm-dialog"] h2'))[0];
  assert.match(confirm, /Delete the version of/);
  await (await $("confirm-delete")).click();
  await session.waitFor("one version fewer", async () => (await versionsOf()).length === before - 1);

  // The container's class changes from its row; later uploads take the new one.
  await (await $("crumb-root")).click();
  await (await session.waitFor("the Class action", () => session.find(`[data-container="${name}"] [data-testid="container-class-action"]`))).click();
  await choose("class-choice", "GLACIER_IR");
  await (await $("save-class")).click();
  const changed = await session.waitFor("the new badge", async () =>
    (await session.texts(`[data-container="${name}"] [data-testid="container-class"]`))[0] === "Glacier IR");
  assert.ok(changed);
  assert.match(settingsFile(), new RegExp(`"moto/${name}" = "GLACIER_IR"`));
});

test("on this computer a link is a file address, and versions and classes say they do not apply", async () => {
  await switchTo("This computer");
  const seeded = env("STOWAGE_E2E_SEEDED_CONTAINER");
  const dir = mkdtempSync(join(tmpdir(), "stowage-e2e-local-share-"));
  writeFileSync(join(dir, "notes.txt"), "kept here");
  await upload("This computer", seeded, [join(dir, "notes.txt")], "e2e-share/");
  await (await $("new-container")).click();
  const hint = await session.waitFor("the hint", async () =>
    (await session.texts('[role="dialog"] .hint')).find((t) => t.includes("keeps no versions")));
  assert.match(hint, /no storage classes/);
  assert.equal((await session.findAll('[data-testid="container-versioning"]')).length, 0);
  await (await session.find('[role="dialog"] .dialog-actions button')).click();

  await openContainer(seeded);
  await (await session.waitFor("the folder", () => session.find('[data-testid="folder-row"][data-key="e2e-share/"]'))).click();
  await openObject("e2e-share/notes.txt");
  const versions = await session.waitFor("the versions note", async () => (await session.texts('[data-testid="versions"] .hint'))[0]);
  assert.match(versions, /keeps no versions/);
  await (await $("share-object")).click();
  const url = await session.waitFor("the address", async () =>
    session.execute(`return document.querySelector('[data-testid="share-url"]')?.value`));
  assert.match(url, /^file:\/\//);
  assert.equal(readFileSync(decodeURIComponent(url.slice("file://".length)), "utf8"), "kept here");
  assert.match((await session.texts('[data-testid="share-expiry"]'))[0], /does not expire/);
  await (await session.find('[data-testid="share-dialog"] .dialog-actions button')).click();

  // The files after this one expect the test profile current, as profiles.test.mjs left it.
  await switchTo(TEST_PROFILE);
});
