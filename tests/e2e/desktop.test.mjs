// The app as a desktop citizen, in the real window under Xvfb: the native
// menu's shortcuts (sent as X key events with xdotool, so GTK's own
// accelerators handle them), About and its folders opened in the file
// manager, start at login, a notification from a
// real notification server (dunst, on the test D-Bus session), the tray menu
// (over the StatusNotifierItem and dbusmenu protocols, as a desktop's tray
// reads it), watched folders syncing with the window closed, one instance
// only, and the window's size kept across a quit.
// Runs last: it quits the app.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { env, openApp, remoteKeys, TEST_PROFILE, trayMenu, watchThroughTheWindow } from "./app.mjs";

let session;

before(async () => {
  session = await openApp();
});

after(async () => {
  await session?.end();
});

const $ = (testid) => session.waitFor(testid, () => session.find(`[data-testid="${testid}"]`));
const heading = async () => (await session.texts("main h1"))[0];

/** The Stowage windows X shows (GTK keeps unmapped helper windows too). */
function visibleWindows() {
  try {
    return execFileSync("xdotool", ["search", "--onlyvisible", "--name", "^Stowage$"], { encoding: "utf8" })
      .split("\n").filter(Boolean);
  } catch {
    return []; // xdotool exits 1 when nothing matches
  }
}

/** Presses `keys` in the Stowage window, as a user's keyboard would. */
function press(keys) {
  const [window] = visibleWindows();
  assert.ok(window, "the Stowage window is on screen");
  execFileSync("xdotool", ["windowfocus", "--sync", window]);
  // Through XTEST to the focused window, like a real keyboard (an event sent
  // to a window directly is marked synthetic).
  execFileSync("xdotool", ["key", "--clearmodifiers", keys]);
}

test("the menu's Preferences shortcut opens Settings, and About shows the version and folders", async () => {
  assert.notEqual(await heading(), "Settings");
  await session.waitFor("Settings after Ctrl+,", async () => {
    if ((await heading()) === "Settings") return true;
    press("ctrl+comma");
    return false;
  }, 10_000);

  await (await $("open-about")).click();
  const version = readFileSync(new URL("../../Cargo.toml", import.meta.url), "utf8").match(/^version = "(.+)"$/m)[1];
  const shown = await session.waitFor("the version", async () => (await session.texts('[data-testid="about-version"]'))[0]);
  assert.equal(shown, `Version ${version}`);
  assert.equal((await session.texts('[data-testid="about-config"]'))[0], env("STOWAGE_CONFIG_DIR"));
  const logs = join(env("STOWAGE_DATA_DIR"), "logs");
  assert.equal((await session.texts('[data-testid="about-logs"]'))[0], logs);
  // Open hands the folder to the desktop's file manager (xdg-open, through
  // the opener plugin): the e2e home registers one that writes it down.
  await (await $("about-logs-open")).click();
  const opened = () => existsSync(env("STOWAGE_E2E_OPENED")) ? readFileSync(env("STOWAGE_E2E_OPENED"), "utf8").trim().split("\n") : [];
  await session.waitFor("the file manager to be asked", async () => opened().at(-1) === logs);
  const artifacts = process.env.STOWAGE_E2E_ARTIFACTS;
  if (artifacts) writeFileSync(`${artifacts}/about.png`, await session.screenshot());
  await (await $("about-close")).click();
  await session.waitFor("About closed", async () => (await session.findAll('[data-testid="about"]')).length === 0);
});

test("start at login writes the autostart entry and removes it", async () => {
  const entry = join(env("STOWAGE_E2E_HOME"), ".config/autostart/Stowage.desktop");
  assert.ok(!existsSync(entry), "no entry before the setting is turned on");
  const box = await $("start-at-login");
  await session.waitFor("the setting read", async () => (await box.attribute("disabled")) === null);
  await box.click();
  await session.waitFor("the autostart entry", async () => existsSync(entry));
  const exec = readFileSync(entry, "utf8").match(/^Exec=(.*)$/m)[1];
  assert.equal(exec, `${env("STOWAGE_APP")} --background`);
  await box.click();
  await session.waitFor("the entry removed", async () => !existsSync(entry));
});

/** The notifications dunst has shown, newest first. */
function notifications() {
  execFileSync("dunstctl", ["close-all"]);
  const history = JSON.parse(execFileSync("dunstctl", ["history"], { encoding: "utf8" }));
  return history.data.flat().map((n) => ({ summary: n.summary.data, body: n.body.data }));
}

test("a watched folder whose root vanishes shows the error, notifies once, and deletes nothing", async () => {
  const parent = mkdtempSync(join(tmpdir(), "stowage-e2e-vanish-"));
  const folder = join(parent, "run-42");
  execFileSync("mkdir", [folder]);
  writeFileSync(join(folder, "weights.bin"), "checkpoint");
  const before = notifications().length;

  await (await $("nav-watched")).click();
  await watchThroughTheWindow(session, folder, "e2e-vanish/");
  assert.deepEqual(await remoteKeys(session, "e2e-vanish/"), ["e2e-vanish/weights.bin"]);

  renameSync(folder, join(parent, "unmounted"));
  await session.waitFor("the error state", async () => (await session.texts('[data-testid="watch-state"]'))[0] === "Needs attention", 30_000);
  const told = await session.waitFor("a notification", async () => {
    const shown = notifications();
    return shown.length > before && shown.find((n) => n.summary === "A watched folder needs attention");
  }, 15_000);
  assert.ok(told.body.startsWith(`${folder}: `), `the notification names the folder: ${told.body}`);

  assert.deepEqual(await remoteKeys(session, "e2e-vanish/"), ["e2e-vanish/weights.bin"], "nothing deleted from the container");
  // Retry rounds fail the same way: no second notification for them.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  assert.equal(notifications().filter((n) => n.summary === "A watched folder needs attention").length, 1);

  await (await $("watch-remove")).click();
  await (await $("confirm-delete")).click();
  rmSync(parent, { recursive: true, force: true });
});

test("the tray menu sums up the watched folders and pauses them all", async () => {
  const folder = mkdtempSync(join(tmpdir(), "stowage-e2e-tray-"));
  writeFileSync(join(folder, "a.txt"), "a");
  await (await $("nav-watched")).click();
  await watchThroughTheWindow(session, folder, "e2e-tray/");

  await session.waitFor("the tray's summary", async () => trayMenu().labels[0] === "Watched folders: 1 in sync");
  assert.deepEqual(trayMenu().labels.slice(1), ["Show Stowage", "Pause all watched folders", "Quit Stowage"]);
  trayMenu().click("Pause all watched folders");
  await session.waitFor("paused in the window", async () => (await session.texts('[data-testid="watch-state"]'))[0] === "Paused");
  await $("watch-resume");
  await session.waitFor("the tray's summary", async () => trayMenu().labels[0] === "No watched folders running");

  await (await $("watch-remove")).click();
  await (await $("confirm-delete")).click();
  rmSync(folder, { recursive: true, force: true });
});

test("Quit while an upload runs asks first; Keep running keeps it, Quit ends it, and the next start finishes it as a resumed transfer", async () => {
  const dir = mkdtempSync(join(tmpdir(), "stowage-e2e-quit-"));
  const body = Buffer.alloc(256 * 1024 * 1024, 5);
  writeFileSync(join(dir, "weights.bin"), body);
  // Paused at once: its first parts are in, the rest wait, the journal holds it.
  const id = await session.executeAsync(`const [profile, paths, container, done] = arguments;
    const invoke = window.__TAURI_INTERNALS__.invoke;
    invoke("start_upload", { profile, paths, container, prefix: "e2e-quit/", existing: "overwrite" })
      .then((id) => invoke("pause_transfer", { id, paused: true }).then(() => done(id)), done);`,
  [TEST_PROFILE, [join(dir, "weights.bin")], env("STOWAGE_TEST_S3_BUCKET")]);
  assert.equal(typeof id, "number", JSON.stringify(id));

  trayMenu().click("Quit Stowage");
  const asked = await (await $("confirm-dialog")).text();
  assert.match(asked, /Quit while a transfer runs\?/, asked);
  assert.match(asked, /Uploads continue where they stopped the next time Stowage starts/, asked);
  await (await $("confirm-cancel")).click();
  await new Promise((resolve) => setTimeout(resolve, 500));
  await $("profile-switcher");

  trayMenu().click("Quit Stowage");
  // The app exits while WebDriver waits for the click's answer: that error is the quit.
  await (await $("confirm-delete")).click().catch(() => {});
  await session.waitFor("the app gone", async () => visibleWindows().length === 0, 10_000);
  await session.end();
  session = await openApp();
  await (await $("nav-transfers")).click();
  const resumed = await session.waitFor("the resumed upload to finish", async () => {
    const rows = await session.execute(`return [...document.querySelectorAll('[data-testid="transfer"]')]
      .filter((t) => t.querySelector('[data-testid="transfer-resumed"]')).map((t) => [t.dataset.state, t.textContent])`);
    return rows.length === 1 && rows[0][0] !== "running" && rows[0];
  }, 60_000);
  assert.equal(resumed[0], "done", resumed[1]);
  const info = await session.executeAsync(`window.__TAURI_INTERNALS__.invoke("object_details", { profile: arguments[0], container: arguments[1], key: "e2e-quit/weights.bin" }).then(arguments[2], arguments[2])`,
    [TEST_PROFILE, env("STOWAGE_TEST_S3_BUCKET")]);
  assert.equal(info.size, body.length, JSON.stringify(info));
  rmSync(dir, { recursive: true, force: true });
});

/** The keys under `prefix` in the test bucket, asked of the server itself
 * (curl signs the request; the keys go to it on stdin, never in its
 * arguments), not through the window. */
function keysOnTheServer(prefix) {
  const emptyBodySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  const listing = execFileSync("curl", ["--silent", "--show-error", "--fail", "--config", "-",
    "--aws-sigv4", `aws:amz:${env("STOWAGE_TEST_S3_REGION")}:s3`, "--header", `x-amz-content-sha256: ${emptyBodySha256}`,
    `${env("STOWAGE_TEST_S3_ENDPOINT")}/${env("STOWAGE_TEST_S3_BUCKET")}?list-type=2&prefix=${encodeURIComponent(prefix)}`,
  ], { encoding: "utf8", input: `user = "${env("STOWAGE_TEST_S3_ACCESS_KEY")}:${env("STOWAGE_TEST_S3_SECRET_KEY")}"\n` });
  return [...listing.matchAll(/<Key>([^<]*)<\/Key>/g)].map(([, key]) => key).sort();
}

test("closing the window keeps watched folders syncing, and the tray brings it back", async () => {
  const folder = mkdtempSync(join(tmpdir(), "stowage-e2e-closed-"));
  writeFileSync(join(folder, "before.txt"), "before");
  await (await $("nav-watched")).click();
  await watchThroughTheWindow(session, folder, "e2e-closed/");
  assert.deepEqual(keysOnTheServer("e2e-closed/"), ["e2e-closed/before.txt"]);

  press("ctrl+w");
  await session.waitFor("the window hidden", async () => visibleWindows().length === 0, 10_000);
  writeFileSync(join(folder, "while-closed.txt"), "written with the window closed");
  await session.waitFor("the new file on the server", async () =>
    keysOnTheServer("e2e-closed/").includes("e2e-closed/while-closed.txt"), 30_000);

  trayMenu().click("Show Stowage");
  await session.waitFor("the window back", async () => visibleWindows().length === 1, 10_000);
  await (await $("watch-remove")).click();
  await (await $("confirm-delete")).click();
  rmSync(folder, { recursive: true, force: true });
});

test("a second launch hands over to the running window and exits", async () => {
  assert.equal(visibleWindows().length, 1);
  const second = spawn(env("STOWAGE_APP"), [], { stdio: "ignore", env: { ...process.env, HOME: env("STOWAGE_E2E_HOME") } });
  const code = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the second instance kept running")), 20_000);
    second.on("exit", (status) => { clearTimeout(timer); resolve(status); });
  });
  assert.equal(code, 0);
  assert.equal(visibleWindows().length, 1, "still one window");
  assert.ok(await session.execute("return document.title !== undefined"), "the first window still answers");
});

test("the window opens again at the size and place it was left", async () => {
  const wanted = { x: 40, y: 30, width: 900, height: 640 };
  await session.cmd("POST", "/window/rect", wanted);
  const left = await session.waitFor("the new size", async () => {
    const rect = await session.cmd("GET", "/window/rect");
    return rect.width === wanted.width && rect.height === wanted.height && rect;
  });
  // Quit through the menu's shortcut, as a user would (the size is saved as
  // the app exits).
  const stateFile = join(env("STOWAGE_CONFIG_DIR"), "window-state.json");
  press("ctrl+q");
  await session.waitFor("the saved window state", async () => existsSync(stateFile) && visibleWindows().length === 0, 15_000);
  await session.end();

  session = await openApp();
  const again = await session.cmd("GET", "/window/rect");
  assert.deepEqual(
    { x: again.x, y: again.y, width: again.width, height: again.height },
    { x: left.x, y: left.y, width: left.width, height: left.height },
  );
});

test("the theme chosen in Settings is shown at once and at the next start; As the system follows the desktop", async () => {
  const shown = () => session.execute(`return [document.documentElement.dataset.theme, getComputedStyle(document.documentElement).backgroundColor]`);
  await (await $("nav-settings")).click();
  await (await $("theme-dark")).click();
  assert.deepEqual(await shown(), ["dark", "rgb(22, 25, 30)"]);
  press("ctrl+q");
  await session.waitFor("the app gone", async () => visibleWindows().length === 0, 15_000);
  await session.end();

  session = await openApp();
  assert.deepEqual(await shown(), ["dark", "rgb(22, 25, 30)"], "dark from the first paint of the next start");
  await (await $("nav-settings")).click();
  await (await $("theme-system")).click();
  // The test desktop (Xvfb) asks for nothing: light.
  assert.deepEqual(await shown(), ["light", "rgb(247, 248, 250)"]);
});

test("what notifications tell is chosen in Settings and kept", async () => {
  const settings = () => readFileSync(join(env("STOWAGE_CONFIG_DIR"), "settings.toml"), "utf8");
  await (await $("nav-settings")).click();
  const choose = (value) => session.execute(`const s = document.querySelector('[data-testid="notify-when"]');
    s.value = arguments[0]; s.dispatchEvent(new Event("change", { bubbles: true }));`, [value]);
  await session.waitFor("the choice read", async () =>
    (await session.execute(`return document.querySelector('[data-testid="notify-when"]').value`)) === "finished");
  await choose("never");
  await session.waitFor("never kept", async () => /^notify = "never"$/m.test(settings()));
  await choose("finished");
  await session.waitFor("the default kept as no line", async () => !/^notify =/m.test(settings()));
});
