// Uploads in the real window against Garage. WebDriver cannot drop files
// from the desktop onto WebKit, so the test calls the same command the drop
// handler calls (start_upload, with the dropped paths), then follows the
// transfer in the Transfers view and finds the files in Storage.
// Runs after profiles.test.mjs, whose "OVH test" profile is current.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { env, openApp, TEST_PROFILE } from "./app.mjs";
import { dragOnto } from "./drag.mjs";
import { resize } from "./layout.mjs";

let session;

before(async () => {
  session = await openApp();
});

after(async () => {
  await session?.end();
});

const $ = (testid) => session.waitFor(testid, () => session.find(`[data-testid="${testid}"]`));

/** What the drop handler does with dropped paths. */
function drop(paths, prefix, existing = "overwrite") {
  return session.executeAsync(`
    const [profile, paths, container, prefix, existing, done] = arguments;
    window.__TAURI_INTERNALS__.invoke("start_upload", { profile, paths, container, prefix, existing })
      .then((id) => done({ id }), (e) => done({ error: e }));
  `, [TEST_PROFILE, paths, env("STOWAGE_TEST_S3_BUCKET"), prefix, existing]);
}

/** The stored size of `key` in the test bucket. */
async function storedSize(key) {
  return (await stored(key)).size;
}

async function stored(key) {
  const info = await session.executeAsync(`
    const [profile, container, key, done] = arguments;
    window.__TAURI_INTERNALS__.invoke("object_details", { profile, container, key }).then(done, (e) => done({ error: e }));
  `, [TEST_PROFILE, env("STOWAGE_TEST_S3_BUCKET"), key]);
  assert.ok(!info.error, JSON.stringify(info));
  return info;
}

/** The id of the newest transfer in the Transfers list, or 0. */
const newestTransfer = () => session.execute(`return Number(document.querySelector('[data-testid="transfer"]')?.dataset.id ?? 0)`);

/** Waits for a transfer newer than `after` to appear and end; its [state, text]. */
async function nextTransfer(after) {
  await (await $("nav-transfers")).click();
  const id = await session.waitFor("a new transfer", async () => { const n = await newestTransfer(); return n > after && n; });
  return finished(id);
}

const md5 = (path) => createHash("md5").update(readFileSync(path)).digest("hex");

/** Uploads `paths` asking about conflicts, and returns the finished transfer's text. */
async function finished(id) {
  return session.waitFor(`transfer ${id} to end`, async () => {
    const states = await session.execute(`return [...document.querySelectorAll('[data-testid="transfer"]')].map((t) => [t.dataset.id, t.dataset.state, t.textContent])`);
    const row = states.find(([at]) => Number(at) === id);
    return row && row[1] !== "running" && row.slice(1);
  }, 60_000);
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
  const started = await drop([join(dir, "shots")], "e2e/");
  assert.ok(started.id >= 1, JSON.stringify(started));

  const [state, text] = await finished(started.id);
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

test("a transfer pauses and resumes, and lists every file it moved", async () => {
  const dir = mkdtempSync(join(tmpdir(), "stowage-e2e-pause-"));
  mkdirSync(join(dir, "batch"));
  for (let i = 0; i < 40; i++) writeFileSync(join(dir, "batch", `f${String(i).padStart(2, "0")}.txt`), `file ${i}`);
  // Big enough that the upload is still running when Pause is pressed.
  writeFileSync(join(dir, "batch", "weights.bin"), Buffer.alloc(384 * 1024 * 1024, 7));

  await (await $("nav-transfers")).click();
  const started = await drop([join(dir, "batch")], "e2e-pause/");
  assert.ok(started.id >= 1, JSON.stringify(started));
  const pause = await session.waitFor("the Pause button", async () => {
    const [first] = await session.findAll('[data-testid="transfer"][data-state="running"] [data-testid="pause-transfer"]');
    return first;
  });
  await pause.click();
  await session.waitFor("the paused badge", async () => (await session.texts('[data-testid="transfer-state"]'))[0] === "Paused");
  const [line] = await session.texts('[data-testid="transfer-line"]');
  assert.match(line, /of 41 files/, line);
  assert.match(line, /paused$/, `paused shows no rate or time left: ${line}`);

  await (await $("pause-transfer")).click();
  const [state, text] = await session.waitFor("the finished transfer", async () => {
    const states = await transferStates();
    return states.length && states[0][0] !== "running" && states[0];
  }, 120_000);
  assert.equal(state, "done", text);

  await (await $("toggle-files")).click();
  const rows = await session.waitFor("the file list", async () => {
    const n = await session.execute(`return document.querySelector('[data-testid="file-rows"]')?.dataset.rows`);
    return n && Number(n);
  });
  assert.equal(rows, 41, "every file has a row");
  const shown = await session.waitFor("rows from the app", async () => {
    const texts = await session.texts('[data-testid="file-row"]');
    return texts.length > 0 && texts;
  });
  assert.ok(shown.every((r) => r.startsWith("Uploaded")), `${shown.slice(0, 3)}`);
});

/** The ETag S3 gives `data` uploaded in parts of `partSize`: the MD5 of the parts' MD5s, and their count. */
function multipartEtag(data, partSize) {
  const parts = [];
  for (let at = 0; at < data.length; at += partSize) parts.push(createHash("md5").update(data.subarray(at, at + partSize)).digest());
  return `${createHash("md5").update(Buffer.concat(parts)).digest("hex")}-${parts.length}`;
}

test("a server that freezes mid-upload is said within seconds, and the upload finishes once it answers", async () => {
  const pid = Number(env("STOWAGE_TEST_GARAGE_PID"));
  const dir = mkdtempSync(join(tmpdir(), "stowage-e2e-frozen-"));
  const data = Buffer.alloc(160 * 1024 * 1024);
  for (let at = 0; at < data.length; at += 4096) data.writeUInt32LE(at, at);
  writeFileSync(join(dir, "checkpoint.pt"), data);

  await (await $("nav-transfers")).click();
  const started = await drop([join(dir, "checkpoint.pt")], "e2e-frozen/");
  assert.ok(started.id >= 1, JSON.stringify(started));
  // Slow enough that it is still sending when the server freezes.
  await session.executeAsync(`window.__TAURI_INTERNALS__.invoke("set_transfer_limit", { id: arguments[0], limit: "16M" }).then(arguments[1], arguments[1])`, [started.id]);
  const line = () => session.execute(`return document.querySelector('[data-testid="transfer"][data-id="${started.id}"] [data-testid="transfer-line"]')?.textContent ?? ""`);
  await session.waitFor("bytes on their way", async () => /of 1 file · [1-9]/.test(await line()));

  process.kill(pid, "SIGSTOP");
  let waiting;
  try {
    waiting = await session.waitFor("the waiting line", async () => {
      const text = await line();
      return /Waiting for the server/.test(text) && text;
    }, 10_000);
    const artifacts = process.env.STOWAGE_E2E_ARTIFACTS;
    if (artifacts) {
      writeFileSync(`${artifacts}/transfers-waiting.png`, await session.screenshot());
      await resize(session, 760, 480);
      writeFileSync(`${artifacts}/transfers-waiting-narrow.png`, await session.screenshot());
      await resize(session, 1120, 748);
    }
  } finally {
    process.kill(pid, "SIGCONT");
  }
  assert.doesNotMatch(waiting, /\/s|left/, `no rate or time left while nothing moves: ${waiting}`);

  await session.executeAsync(`window.__TAURI_INTERNALS__.invoke("set_transfer_limit", { id: arguments[0], limit: "off" }).then(arguments[1], arguments[1])`, [started.id]);
  const [state, text] = await finished(started.id);
  assert.equal(state, "done", text);
  const info = await stored("e2e-frozen/checkpoint.pt");
  // Stowage's parts are a sixteenth of a file this size: 10 MiB.
  assert.equal(info.etag, multipartEtag(data, 10 * 1024 * 1024), "the object is the file, byte for byte");
});

test("an upload onto a different object asks, and Skip or Replace do what they say", async () => {
  const dir = mkdtempSync(join(tmpdir(), "stowage-e2e-conflict-"));
  const file = join(dir, "epoch-01.pt");
  writeFileSync(file, Buffer.alloc(5_000, 5));
  await (await $("nav-transfers")).click();
  const first = await drop([file], "e2e-conflict/", "ask");
  const [state] = await finished(first.id);
  assert.equal(state, "done", "nothing in the way: no question");
  assert.equal(await storedSize("e2e-conflict/epoch-01.pt"), 5_000);

  writeFileSync(file, Buffer.alloc(1_000, 1));
  const second = await drop([file], "e2e-conflict/", "ask");
  const dialog = await $("conflict-dialog");
  const text = await dialog.text();
  assert.match(text, /Replace “epoch-01\.pt”\?/, text);
  assert.match(await (await $("conflict-remote")).text(), /4\.9 KB/);
  assert.match(await (await $("conflict-local")).text(), /1000 B/);
  await (await $("conflict-skip")).click();
  const [skipped, skippedText] = await finished(second.id);
  assert.equal(skipped, "done", skippedText);
  assert.match(skippedText, /1 skipped/, skippedText);
  assert.equal(await storedSize("e2e-conflict/epoch-01.pt"), 5_000, "Skip keeps what is there");

  const third = await drop([file], "e2e-conflict/", "ask");
  await $("conflict-dialog");
  await (await $("conflict-for-session")).click();
  await (await $("conflict-replace")).click();
  const [, replacedText] = await finished(third.id);
  assert.match(replacedText, /1 replaced/, replacedText);
  assert.equal(await storedSize("e2e-conflict/epoch-01.pt"), 1_000);
  const gone = await session.execute(`return document.querySelector('[data-testid="conflict-dialog"]') === null`);
  assert.ok(gone, "the question closes once answered");

  await (await $("nav-settings")).click();
  assert.match(await (await $("session-choice")).text(), /uploads replace/);
});

/** Opens `folders` of the test bucket in Storage, one click at a time. */
async function openFolders(folders) {
  await (await $("nav-storage")).click();
  await (await $("crumb-root")).click();
  const bucket = env("STOWAGE_TEST_S3_BUCKET");
  await session.waitFor("the bucket row", async () => (await session.texts('[data-testid="container-row"]')).some((t) => t.includes(bucket)));
  await session.execute(`[...document.querySelectorAll('[data-testid="container-row"]')].find((r) => r.dataset.container === arguments[0]).click()`, [bucket]);
  for (const folder of folders) {
    await session.waitFor(`the ${folder} folder`, async () => (await session.texts('[data-testid="folder-row"] .name')).includes(folder));
    await session.execute(`[...document.querySelectorAll('[data-testid="folder-row"]')].find((r) => r.querySelector(".name").textContent.trim() === arguments[0]).click()`, [folder]);
  }
}

const objectNames = () => session.execute(`return [...document.querySelectorAll('[data-testid="object-row"] .name')].map((n) => n.textContent.trim())`);

test("the file list sorts naturally and by column, selects by keyboard and Shift, and acts from a right click", async () => {
  const dir = mkdtempSync(join(tmpdir(), "stowage-e2e-list-"));
  mkdirSync(join(dir, "natural"));
  for (const [name, size] of [["img_1.jpg", 300], ["img_2.jpg", 100], ["img_10.jpg", 200]]) writeFileSync(join(dir, "natural", name), Buffer.alloc(size, 3));
  const started = await drop([join(dir, "natural")], "e2e-list/");
  await (await $("nav-transfers")).click();
  assert.equal((await finished(started.id))[0], "done");

  await openFolders(["e2e-list", "natural"]);
  const natural = await session.waitFor("three objects", async () => { const n = await objectNames(); return n.length === 3 && n; });
  assert.deepEqual(natural, ["img_1.jpg", "img_2.jpg", "img_10.jpg"], "img_2 before img_10");
  await (await $("sort-size")).click();
  assert.deepEqual(await objectNames(), ["img_1.jpg", "img_10.jpg", "img_2.jpg"], "largest first");

  // Click the first row (its details open), then walk and select with the keyboard.
  await (await session.find('[data-testid="object-row"]')).click();
  await session.keys("\uE015");
  await session.keys(" ");
  await session.keys("\uE008", "\uE015");
  await session.waitFor("two selected", async () => (await session.texts('[data-testid="selection-bar"] strong'))[0] === "2");
  const selected = await session.execute(`return [...document.querySelectorAll('[data-testid="object-row"].selected .name')].map((n) => n.textContent.trim())`);
  assert.deepEqual(selected, ["img_10.jpg", "img_2.jpg"]);

  // A right click outside the selection acts on that row alone.
  const rows = await session.findAll('[data-testid="object-row"]');
  await session.contextClick(rows[0]);
  await (await $("menu-delete")).click();
  assert.match(await (await $("confirm-dialog")).text(), /Delete 1 object \(300 B\)\?/);
  await session.keys("\uE00C");
  await session.waitFor("the dialog to close", async () => (await session.findAll('[data-testid="confirm-dialog"]')).length === 0);

  // Inside the selection, on all of it.
  await session.contextClick((await session.findAll('[data-testid="object-row"]'))[1]);
  assert.match(await (await $("menu-delete")).text(), /Delete 2 items/);
  await (await $("menu-delete")).click();
  assert.match(await (await $("confirm-dialog")).text(), /Delete 2 objects \(300 B\)\?/);
  await (await $("confirm-delete")).click();
  await session.waitFor("one object left", async () => { const n = await objectNames(); return n.length === 1 && n[0] === "img_1.jpg"; });
});

test("each view keeps its place across view switches: folder, order, selection, the Sync form", async () => {
  await openFolders(["e2e-list", "natural"]);
  await session.waitFor("the folder's object", async () => (await objectNames()).includes("img_1.jpg"));
  // Largest first, whatever order the earlier test left.
  const sizeOrder = () => session.execute(`return document.querySelector('[data-testid="sort-size"]').parentElement.getAttribute("aria-sort")`);
  while ((await sizeOrder()) !== "descending") await (await $("sort-size")).click();
  await (await $("select-row")).click();
  await $("selection-bar");

  await (await $("nav-transfers")).click();
  await (await $("nav-storage")).click();
  assert.deepEqual(await objectNames(), ["img_1.jpg"], "still in e2e-list/natural/");
  assert.equal((await session.texts('[data-testid="selection-bar"] strong'))[0], "1", "the selection is kept");
  assert.equal(await sizeOrder(), "descending", "the order is kept");
  await session.keys("\uE00C");

  await (await $("nav-sync")).click();
  const prefix = await $("sync-prefix");
  await prefix.clear();
  await prefix.type("kept-while-away/");
  await (await $("nav-storage")).click();
  await (await $("nav-sync")).click();
  assert.equal(await session.execute(`return document.querySelector('[data-testid="sync-prefix"]').value`), "kept-while-away/");
  await (await $("sync-prefix")).clear();

  await (await $("nav-watched")).click();
  await (await $("watch-add")).click();
  await (await $("watch-folder")).type("/data/half-typed");
  await (await $("nav-storage")).click();
  await (await $("nav-watched")).click();
  assert.equal(await session.execute(`return document.querySelector('[data-testid="watch-folder"]')?.value`), "/data/half-typed", "the open form, as typed");
  await (await $("watch-folder")).clear();
  await (await $("watch-add")).click(); // closed again for the tests that follow
});

test("a cancelled upload says what arrived and what did not", async () => {
  const dir = mkdtempSync(join(tmpdir(), "stowage-e2e-cancel-"));
  mkdirSync(join(dir, "run"));
  writeFileSync(join(dir, "run", "a-note.txt"), "small");
  writeFileSync(join(dir, "run", "weights.bin"), Buffer.alloc(256 * 1024 * 1024, 9));
  await (await $("nav-transfers")).click();
  const started = await drop([join(dir, "run")], "e2e-cancel/");
  // Paused at once, so the upload is still running when the cancel is confirmed.
  await session.executeAsync(`window.__TAURI_INTERNALS__.invoke("pause_transfer", { id: arguments[0], paused: true }).then(arguments[1], arguments[1])`, [started.id]);
  const cancel = await session.waitFor("the Cancel button", async () => {
    const [first] = await session.findAll(`[data-testid="transfer"][data-id="${started.id}"][data-state="running"] [data-testid="cancel-transfer"]`);
    return first;
  });
  await cancel.click();
  assert.match(await (await $("confirm-dialog")).text(), /What already arrived stays/);
  await (await $("confirm-delete")).click();
  const [state, text] = await finished(started.id);
  assert.equal(state, "cancelled", text);
  assert.match(text, /of 2 files arrived \(.*\); [12] did not/, text);
  assert.doesNotMatch(text, /2 of 2 files/, text);
});

test("Cancel holds the transfer while it asks; Keep going lets it go on; the bar of a cancel shows what arrived", async () => {
  const dir = mkdtempSync(join(tmpdir(), "stowage-e2e-ask-"));
  mkdirSync(join(dir, "run"));
  writeFileSync(join(dir, "run", "a-note.txt"), "small");
  writeFileSync(join(dir, "run", "weights.bin"), Buffer.alloc(24 * 1024 * 1024, 7));
  await (await $("nav-transfers")).click();
  const invoke = (command, args) => session.executeAsync(
    `window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then(arguments[2], arguments[2])`, [command, args]);
  // Held at 1 MiB/s from its first byte (the app's limit, until its own is
  // set), so it is still going while the test looks, however busy the machine.
  await invoke("set_bandwidth_limit", { limit: "1M" });
  let started;
  try {
    started = await drop([join(dir, "run")], "e2e-ask/");
    await session.waitFor("the limit menu", () => session.find(`[data-testid="transfer"][data-id="${started.id}"] [data-testid="transfer-limit"]`));
    await session.execute(`const s = document.querySelector(arguments[0]); s.value = "1M"; s.dispatchEvent(new Event("change", { bubbles: true }));`,
      [`[data-testid="transfer"][data-id="${started.id}"] [data-testid="transfer-limit"]`]);
  } finally {
    await invoke("set_bandwidth_limit", { limit: "off" });
  }
  const row = `[data-testid="transfer"][data-id="${started.id}"]`;
  const line = () => session.execute(`return document.querySelector(arguments[0])?.textContent ?? ""`, [`${row} [data-testid="transfer-line"]`]);
  await session.waitFor("a megabyte sent", async () => /· [1-9][\d.]* MB of /.test(await line()), 30_000);

  await (await session.find(`${row} [data-testid="cancel-transfer"]`)).click();
  await $("confirm-dialog");
  await session.waitFor("the transfer held while the question is open", async () => (await line()).endsWith("· paused"));
  await (await $("confirm-cancel")).click();
  await session.waitFor("the transfer going on", async () => !(await line()).endsWith("· paused") && (await line()).includes("left"), 30_000);

  await (await session.find(`${row} [data-testid="cancel-transfer"]`)).click();
  await (await $("confirm-delete")).click();
  const [state, text] = await finished(started.id);
  assert.equal(state, "cancelled", text);
  const width = await session.execute(`return parseFloat(document.querySelector(arguments[0]).style.width)`, [`${row} [data-testid="transfer-bar"]`]);
  // Sent bytes of the unfinished file did not arrive: the bar holds the note's 5 bytes, not the megabytes sent.
  assert.ok(width < 1, `the bar is ${width}% full for: ${text}`);
});

test("files and folders dragged from the desktop upload byte-identical, also beside a running transfer; other views say where to drop", async () => {
  const dir = mkdtempSync(join(tmpdir(), "stowage-e2e-drag-"));
  const stamp = Date.now();
  const a = join(dir, `drag-a-${stamp}.bin`);
  const b = join(dir, `drag-b-${stamp}.txt`);
  writeFileSync(a, randomBytes(70_000));
  writeFileSync(b, "labels\n");
  const folder = join(dir, `drag-folder-${stamp}`);
  mkdirSync(join(folder, "inner"), { recursive: true });
  writeFileSync(join(folder, "inner", "c.bin"), randomBytes(5_000));

  await (await $("nav-transfers")).click();
  let before = await newestTransfer();
  await openFolders(["e2e"]);
  await $("folder-row");
  await dragOnto(session, [a, b], '[data-testid="entries"]');
  let [state, text] = await nextTransfer(before);
  assert.equal(state, "done", text);
  assert.match(text, /2 uploaded/, text);
  for (const path of [a, b]) {
    const name = path.split("/").at(-1);
    assert.equal((await stored(`e2e/${name}`)).etag, md5(path), `${name} arrived byte-identical`);
  }

  // A folder keeps its structure.
  before = await newestTransfer();
  await openFolders(["e2e"]);
  await $("folder-row");
  await dragOnto(session, [folder], '[data-testid="entries"]');
  [state, text] = await nextTransfer(before);
  assert.equal(state, "done", text);
  const key = `e2e/drag-folder-${stamp}/inner/c.bin`;
  assert.equal((await stored(key)).etag, md5(join(folder, "inner", "c.bin")));

  // Beside a transfer that is still running.
  const big = join(dir, "big");
  mkdirSync(big);
  writeFileSync(join(big, "weights.bin"), Buffer.alloc(256 * 1024 * 1024, 4));
  const running = await drop([big], "e2e-beside/");
  await openFolders(["e2e"]);
  await $("folder-row");
  writeFileSync(b, "labels, second version\n");
  await dragOnto(session, [b], '[data-testid="entries"]');
  // Replace if asked (an earlier test may have chosen Replace for the session).
  const asked = await session.waitFor("a question", () => session.execute(`return document.querySelector('[data-testid="conflict-replace"]') !== null`), 3_000).catch(() => false);
  if (asked) await (await $("conflict-replace")).click();
  [state, text] = await nextTransfer(running.id);
  assert.equal(state, "done", text);
  assert.equal((await stored(`e2e/drag-b-${stamp}.txt`)).etag, md5(b), "the second version arrived while the big one ran");
  await session.executeAsync(`window.__TAURI_INTERNALS__.invoke("cancel_transfer", { id: arguments[0] }).then(arguments[1], arguments[1])`, [running.id]);

  // A view that cannot take files says where they go, and starts nothing.
  before = await newestTransfer();
  await (await $("nav-jobs")).click();
  await dragOnto(session, [a], "main");
  const notice = await (await $("drop-elsewhere")).text();
  assert.match(notice, /open a container in Storage/i, notice);
  await (await $("nav-transfers")).click();
  assert.equal(await newestTransfer(), before, "no transfer started");
});

test("the filter searches the server, in the folder or below it, and says when nothing matches", async () => {
  await openFolders([]);
  await $("folder-row");
  await (await $("filter")).type("frame-001");
  await $("no-matches");
  assert.match(await (await $("search-line")).text(), /Filtering the \d+ listed here/);
  await (await $("search-deep")).click();
  const found = await session.waitFor("the nested frame", async () => {
    const names = await objectNames();
    return names.length > 0 && names;
  });
  assert.deepEqual(found, ["e2e/shots/day 1/frame-001.png"]);
  assert.match(await (await $("search-line")).text(), /1 match in all \d+ in this folder and below/);
  await (await $("filter")).clear();
});

test("select all in a folder of more than a page offers everything in it, and the delete counts what really goes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "stowage-e2e-many-"));
  mkdirSync(join(dir, "many"));
  // Unpadded: listed in byte order (f1, f10, f100, f1000, f101, …) and shown in natural order.
  for (let i = 0; i < 1_001; i++) writeFileSync(join(dir, "many", `f${i}.txt`), "x");
  const started = await drop([join(dir, "many")], "e2e-many/");
  await (await $("nav-transfers")).click();
  assert.equal((await finished(started.id))[0], "done");
  // Its per-file list is the app's: the window asks for the rows that scroll into view.
  await (await $("toggle-files")).click();
  const list = `document.querySelector('[data-testid="file-rows"]')`;
  await session.waitFor("1,001 rows", async () => (await session.execute(`return ${list}?.dataset.rows`)) === "1001");
  await session.execute(`${list}.scrollTop = ${list}.scrollHeight`);
  const bottom = await session.waitFor("the last rows, fetched", async () => {
    if (Number(await session.execute(`return ${list}.dataset.start`)) < 900) return false;
    const rows = await session.texts('[data-testid="file-row"]');
    const pending = await session.texts('[data-testid="file-row-pending"]');
    return rows.length > 0 && pending.length === 0 && rows;
  });
  assert.ok(bottom.every((r) => r.startsWith("Uploaded") && r.includes("many/f")), `${bottom.slice(0, 3)}`);
  const artifacts = process.env.STOWAGE_E2E_ARTIFACTS;
  if (artifacts) writeFileSync(`${artifacts}/transfer-files.png`, await session.screenshot());
  await (await $("toggle-files")).click();
  // Clear finished frees the list the app kept for it.
  const filesOf = () => session.executeAsync(`window.__TAURI_INTERNALS__.invoke("transfer_files", { id: arguments[0], offset: 0, limit: 1 })
    .then((page) => arguments[1](page.total), (e) => arguments[1](String(e)))`, [started.id]);
  assert.equal(await filesOf(), 1_001);
  await (await $("clear-finished")).click();
  await session.waitFor("the list freed", async () => (await filesOf()) === 0);

  await openFolders(["e2e-many", "many"]);
  const entries = `document.querySelector('[data-testid="entries"]')`;
  await session.waitFor("the first page", async () => Number(await session.execute(`return ${entries}.dataset.rows`)) === 1_000);
  // Byte order is not the order shown: the window says its order holds for what is listed so far, and counts the folder.
  assert.match((await session.texts('[data-testid="listing-partial"]'))[0] ?? "", /sorted as listed so far \(1,000 rows\)/);
  await session.waitFor("the folder counted", async () =>
    (await session.texts('[data-testid="folder-size"]'))[0] === "This folder: 1,001 objects · 1001 B", 30_000);
  await (await $("select-all")).click();
  await (await $("select-whole-folder")).click();
  await session.waitFor("the folder itself selected", async () => (await session.texts('[data-testid="whole-folder-selected"]')).length === 1);
  const rows = () => session.execute(`return Number(${entries}.dataset.rows)`);
  assert.equal(await rows(), 1_000, "nothing more was listed into the window for it");
  // Unchecking one row takes "everything" back; choosing it again brings it back.
  await session.execute(`document.querySelector('[data-testid="object-row"] .check-cell input').click()`);
  await session.waitFor("999 selected", async () => (await session.texts('[data-testid="selection-bar"] strong'))[0] === "999");
  assert.deepEqual(await session.texts('[data-testid="whole-folder-selected"]'), []);
  await (await $("select-all")).click();
  await (await $("select-whole-folder")).click();
  await session.waitFor("the folder itself selected again", async () => (await session.texts('[data-testid="whole-folder-selected"]')).length === 1);
  if (artifacts) writeFileSync(`${artifacts}/whole-folder.png`, await session.screenshot());
  // The second page (f999, last in byte order) is merged in where it sorts, not added at the end.
  const nameSort = () => session.execute(`return document.querySelector('[data-testid="sort-name"]').parentElement.getAttribute("aria-sort")`);
  // The view keeps an earlier test's order: at most two clicks to name, ascending.
  for (let i = 0; i < 2 && (await nameSort()) !== "ascending"; i++) await (await $("sort-name")).click();
  await session.execute(`${entries}.scrollTop = ${entries}.scrollHeight`);
  const tail = await session.waitFor("the second page", async () => {
    if (Number(await session.execute(`return ${entries}.dataset.rows`)) !== 1_001) return false;
    await session.execute(`${entries}.scrollTop = ${entries}.scrollHeight`);
    const keys = await session.execute(`return [...document.querySelectorAll('[data-testid="object-row"]')].map((r) => r.dataset.key)`);
    return keys.at(-1) === "e2e-many/many/f1000.txt" && keys.slice(-3);
  });
  assert.deepEqual(tail, ["e2e-many/many/f998.txt", "e2e-many/many/f999.txt", "e2e-many/many/f1000.txt"]);
  assert.deepEqual(await session.texts('[data-testid="listing-partial"]'), [], "listed whole, the order is the folder's");
  await (await $("delete-selection")).click();
  assert.match(await (await $("confirm-dialog")).text(), /Delete 1,001 objects \(1001 B\)\?/);
  await (await $("confirm-delete")).click();
  await session.waitFor("the folder emptied", async () => (await session.texts('[data-testid="storage-notice"]')).some((t) => t.includes("Deleted 1,001 objects")), 30_000);
  await session.waitFor("the folder counted again", async () =>
    (await session.texts('[data-testid="folder-size"]'))[0] === "This folder: 0 objects · 0 B", 30_000);
});

test("New folder opens an empty folder there, and what is dropped into it lands below it", async () => {
  await openFolders(["e2e-list"]);
  await (await $("new-folder")).click();
  await (await $("folder-name")).type("a/b");
  await (await $("create-folder")).click();
  assert.match(await (await $("folder-name-error")).text(), /cannot contain “\/”/);
  await (await $("folder-name")).clear();
  await (await $("folder-name")).type("fresh");
  await (await $("create-folder")).click();
  assert.match(await (await $("empty-folder")).text(), /A new folder/);
  const dir = mkdtempSync(join(tmpdir(), "stowage-e2e-fresh-"));
  writeFileSync(join(dir, "first.txt"), "first");
  await (await $("nav-transfers")).click();
  const before = await newestTransfer();
  await (await $("nav-storage")).click(); // back in the new folder: the view kept its place
  await dragOnto(session, [join(dir, "first.txt")], '[data-testid="empty-folder"]');
  const [state] = await nextTransfer(before);
  assert.equal(state, "done");
  assert.equal(await storedSize("e2e-list/fresh/first.txt"), 5);
});

test("finished transfers are still listed after a restart, until Clear finished", async () => {
  await (await $("nav-transfers")).click();
  const before = await session.waitFor("finished transfers", async () => {
    const states = await transferStates();
    return states.length > 0 && states.every(([state]) => state !== "running") && states.length;
  }, 60_000);
  await session.end();
  session = await openApp();
  await (await $("nav-transfers")).click();
  const after = await transferStates();
  assert.equal(after.length, before, "the same transfers, finished");
  assert.ok(after.some(([state, text]) => state === "done" && /uploaded/.test(text)), JSON.stringify(after.slice(0, 3)));
  const artifacts = process.env.STOWAGE_E2E_ARTIFACTS;
  if (artifacts) writeFileSync(`${artifacts}/transfers.png`, await session.screenshot());
  await (await $("clear-finished")).click();
  await $("empty-transfers");
  await session.end();
  session = await openApp();
  await (await $("nav-transfers")).click();
  await $("empty-transfers");
});
