// The .deb scripts/package built, installed with dpkg as a user would, and
// the installed binary started under Xvfb: its window opens and shows
// Stowage. Removed again afterwards. Needs root (or sudo without a password)
// to install; skipped with the reason otherwise.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { Session } from "./webdriver.mjs";
import { env } from "./app.mjs";

const deb = env("STOWAGE_E2E_DEB");
const isRoot = process.getuid() === 0;
const canSudo = () => {
  try {
    execFileSync("sudo", ["-n", "true"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};
const skip = isRoot || canSudo() ? false : "installing a .deb needs root or passwordless sudo, and this user has neither";
/** Runs a command as root: directly when we are root, else through sudo. */
function asRoot(...args) {
  const [command, ...rest] = isRoot ? args : ["sudo", "-n", ...args];
  return execFileSync(command, rest, { encoding: "utf8" });
}

const fields = () => Object.fromEntries(execFileSync("dpkg-deb", ["--field", deb], { encoding: "utf8" })
  .split("\n").filter((l) => /^\w/.test(l)).map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]));

let session;
let installedFiles = [];

before(() => {
  if (skip) return;
  asRoot("dpkg", "-i", deb);
  installedFiles = asRoot("dpkg", "-L", fields().Package).split("\n").filter(Boolean);
});

after(async () => {
  const artifacts = process.env.STOWAGE_E2E_ARTIFACTS;
  if (session && artifacts) writeFileSync(`${artifacts}/installed.png`, await session.screenshot());
  await session?.end();
  if (!skip) asRoot("dpkg", "-r", fields().Package);
});

test("the .deb installs the app, its menu entry and its icons", { skip }, () => {
  const { Package, Version } = fields();
  assert.equal(Package, "stowage");
  const version = readFileSync(new URL("../../Cargo.toml", import.meta.url), "utf8").match(/^version = "(.+)"$/m)[1];
  assert.equal(Version, version);
  assert.ok(installedFiles.includes("/usr/bin/stowage-app"), "the binary is on the PATH");
  const entry = installedFiles.find((f) => f.startsWith("/usr/share/applications/") && f.endsWith(".desktop"));
  assert.ok(entry, "a desktop entry puts Stowage in the applications menu");
  const desktop = readFileSync(entry, "utf8");
  assert.match(desktop, /^Name=Stowage$/m);
  assert.match(desktop, /^Exec=stowage-app$/m);
  assert.ok(installedFiles.some((f) => /^\/usr\/share\/icons\/hicolor\/128x128\/apps\/.+\.png$/.test(f)), "a 128 px icon");
});

test("the installed binary opens its window under Xvfb", { skip }, async () => {
  assert.ok(existsSync("/usr/bin/stowage-app"));
  session = await Session.start(env("STOWAGE_WEBDRIVER_URL"), "/usr/bin/stowage-app");
  await session.waitFor("the first view", async () =>
    (await session.findAll('[data-testid="profile-switcher"], [data-testid="try-local"]')).length > 0);
  assert.equal(await session.cmd("GET", "/title"), "Stowage");
  const windows = execFileSync("xdotool", ["search", "--onlyvisible", "--name", "^Stowage$"], { encoding: "utf8" });
  assert.equal(windows.trim().split("\n").length, 1, "one Stowage window on the screen");
});
