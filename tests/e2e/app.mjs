// Opening the app for a test: a WebDriver session on the real binary, past
// the first-run screen, with the current profile shown.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { Session } from "./webdriver.mjs";

export const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the WebDriver tests through scripts/test`);
  return value;
};

export async function openApp() {
  const session = await Session.start(env("STOWAGE_WEBDRIVER_URL"), env("STOWAGE_APP"));
  const ready = await session.waitFor("the first-run screen or the sidebar", async () => {
    if ((await session.findAll('[data-testid="try-local"]')).length) return "first-run";
    if ((await session.findAll('[data-testid="profile-switcher"]')).length) return "sidebar";
  });
  session.sawFirstRun = ready === "first-run";
  if (ready === "first-run") {
    await (await session.find('[data-testid="try-local"]')).click();
    await session.waitFor("the sidebar", async () => (await session.findAll('[data-testid="profile-switcher"]')).length > 0);
  }
  return session;
}

/** The value of the current-profile switcher. */
export async function currentProfile(session) {
  return session.execute('return document.querySelector("[data-testid=profile-switcher]").value');
}

/** Watches `folder` into the test bucket's `prefix` (deletions propagate)
 * through the Watched folders view, and waits until it is in sync. */
export async function watchThroughTheWindow(session, folder, prefix) {
  const $ = (testid) => session.waitFor(testid, () => session.find(`[data-testid="${testid}"]`));
  const bucket = env("STOWAGE_TEST_S3_BUCKET");
  await (await $("watch-add")).click();
  await (await $("watch-folder")).type(folder);
  await session.waitFor("the bucket option", async () =>
    session.execute(`return [...document.querySelectorAll('[data-testid="watch-container"] option')].some((o) => o.value === arguments[0])`, [bucket]));
  await session.execute(`for (const [id, value] of [["watch-container", arguments[0]], ["watch-delete", "propagate"]]) {
      const s = document.querySelector('[data-testid="' + id + '"]'); s.value = value; s.dispatchEvent(new Event("change", { bubbles: true })); }`,
  [bucket]);
  // Each new watch starts from an empty prefix, whatever the last one used.
  const leftOver = await session.execute('return document.querySelector("[data-testid=watch-prefix]").value');
  if (leftOver !== "") throw new Error(`the Watch form kept the last prefix: "${leftOver}"`);
  await (await $("watch-prefix")).type(prefix);
  await (await $("watch-confirm")).click();
  await session.waitFor("in sync", async () => (await session.texts('[data-testid="watch-state"]'))[0]?.startsWith("In sync ·"), 30_000);
}

/** The profile the tests after profiles.test.mjs use. */
export const TEST_PROFILE = "OVH test";

/** The keys under `prefix` in the test bucket, as the storage browser lists them. */
export async function remoteKeys(session, prefix) {
  const page = await session.executeAsync(`const [profile, container, prefix, done] = arguments;
    window.__TAURI_INTERNALS__.invoke("list_folder", { profile, container, prefix, continuation: null })
      .then(done, (e) => done({ objects: [], error: e }));`, [TEST_PROFILE, env("STOWAGE_TEST_S3_BUCKET"), prefix]);
  return page.objects.map((o) => o.key).sort();
}

/** The tray icon's menu, read over D-Bus from the tray host run.sh starts:
 * [{ id, label }] in order, and a function that clicks an item. */
export function trayMenu() {
  const gdbus = (...args) => execFileSync("gdbus", ["call", "--session", ...args], { encoding: "utf8" });
  const prop = (dest, path, iface, name) =>
    gdbus("--dest", dest, "--object-path", path, "--method", "org.freedesktop.DBus.Properties.Get", iface, name);
  const items = prop("org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher",
    "RegisteredStatusNotifierItems").match(/'([^']+)'/g)?.map((q) => q.slice(1, -1)) ?? [];
  assert.equal(items.length, 1, `one tray icon registered: ${items}`);
  const [bus, ...rest] = items[0].split("/");
  const menu = prop(bus, `/${rest.join("/")}`, "org.kde.StatusNotifierItem", "Menu").match(/'([^']+)'/)[1];
  const layout = gdbus("--dest", bus, "--object-path", menu, "--method", "com.canonical.dbusmenu.GetLayout", "--", "0", "-1", "@as []");
  const entries = [...layout.matchAll(/<\((\d+), \{([^}]*)\}/g)]
    .map(([, id, props]) => ({ id: Number(id), label: props.match(/'label': <'([^']*)'>/)?.[1] }))
    .filter((e) => e.label !== undefined);
  const click = (label) => {
    const entry = entries.find((e) => e.label === label);
    assert.ok(entry, `the tray menu has "${label}": ${JSON.stringify(entries)}`);
    gdbus("--dest", bus, "--object-path", menu, "--method", "com.canonical.dbusmenu.Event", "--",
      String(entry.id), "clicked", "<int32 0>", "0");
  };
  return { labels: entries.map((e) => e.label), click };
}

/** Quits as a person does (the tray's "Quit Stowage", which is what File →
 * Quit calls) when nothing runs, and waits until the app's process is gone. */
export async function quitThroughTheTray(session) {
  trayMenu().click("Quit Stowage");
  const running = () => {
    try {
      return execFileSync("pgrep", ["-x", "stowage-app"], { encoding: "utf8" }).trim() !== "";
    } catch {
      return false; // pgrep exits 1 when nothing matches
    }
  };
  await session.waitFor("the app to exit", async () => !running(), 30_000);
  await session.end();
}
