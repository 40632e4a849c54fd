// The window half of `scripts/bench window` (see bench-window.sh): drives
// the release app over WebDriver and prints what a person would wait for.
// Arguments: the folder of N files, the bucket, N.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { Session } from "../../tests/e2e/webdriver.mjs";

const [src, bucket, count] = process.argv.slice(2);
const files = Number(count);
const folder = basename(src);
const session = await Session.start(process.env.STOWAGE_WEBDRIVER_URL, process.env.STOWAGE_APP);
const $ = (testid) => session.waitFor(testid, () => session.find(`[data-testid="${testid}"]`));
const rows = [];
const report = (what, value) => {
  rows.push([what, value]);
  console.log(`${what}: ${value}`);
};
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Runs `step` until it returns true (`pauseMs` apart), asking each time how
 * long the window takes to run a script (a busy page answers late): the
 * time and the slowest answer. */
async function until(what, step, timeoutMs, pauseMs = 100) {
  const started = Date.now();
  let slowest = 0;
  while (Date.now() - started < timeoutMs) {
    const asked = Date.now();
    await session.execute("return 1");
    slowest = Math.max(slowest, Date.now() - asked);
    if (await step()) return { took: Date.now() - started, slowest };
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  throw new Error(`${what}: not within ${seconds(timeoutMs)}`);
}

/** CPU seconds used so far by the processes whose command line has `pattern`. */
function cpuSeconds(pattern) {
  const ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));
  return pids(pattern).map((pid) => {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / ticks;
  }).reduce((a, b) => a + b, 0);
}

function pids(pattern) {
  return execFileSync("pgrep", ["-f", pattern], { encoding: "utf8" }).trim().split("\n");
}

/** Resident memory (MB) of the processes whose command line has
 * `pattern`: now (`VmRSS`) or at its peak so far (`VmHWM`). */
function memory(pattern, field) {
  return pids(pattern).map((pid) => {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)[1]) / 1024);
  }).reduce((a, b) => Math.max(a, b), 0);
}

/** Memory of web view and app: now, and the peak so far. */
function memoryNow() {
  const of = (pattern) => `${memory(pattern, "VmRSS")} MB (peak ${memory(pattern, "VmHWM")} MB)`;
  return `web view ${of("WebKitWebProcess")}, app ${of(process.env.STOWAGE_APP)}`;
}

try {
  // The bench profile (the config also has "This computer", which a first start shows).
  await (await session.waitFor("the bench profile", () => session.find('[data-testid="profile-switcher"] option[value="bench"]'))).click();
  // (1) The upload, started as a drop starts it.
  const { id, error } = await session.executeAsync(`const [paths, container, done] = arguments;
    window.__TAURI_INTERNALS__.invoke("start_upload", { profile: "bench", paths, container, prefix: "", existing: "overwrite" })
      .then((id) => done({ id }), (e) => done({ error: e }));`, [[src], bucket]);
  if (error) throw new Error(`the upload did not start: ${JSON.stringify(error)}`);
  await (await $("nav-transfers")).click();
  const [viewBefore, appBefore] = [cpuSeconds("WebKitWebProcess"), cpuSeconds(process.env.STOWAGE_APP)];
  const transfer = `document.querySelector('[data-testid="transfer"][data-id="${id}"]')`;
  const upload = await until("the upload", async () => (await session.execute(`return ${transfer}?.dataset.state`)) === "done", 3_600_000, 500);
  report(`upload of ${files.toLocaleString()} files through the window`, `${seconds(upload.took)} (${Math.round(files / (upload.took / 1000)).toLocaleString()} files/s), slowest answer ${upload.slowest} ms`);
  report("CPU meanwhile: app (the upload), web view (the window)",
    `${(cpuSeconds(process.env.STOWAGE_APP) - appBefore).toFixed(0)} s, ${(cpuSeconds("WebKitWebProcess") - viewBefore).toFixed(0)} s`);
  report("memory once it is done", memoryNow());

  // (2) Its per-file list, scrolled to the end.
  await (await $("toggle-files")).click();
  const list = `document.querySelector('[data-testid="file-rows"]')`;
  await until("the file count", async () => Number(await session.execute(`return ${list}?.dataset.rows`)) === files, 60_000);
  const fileEnd = await until("the file list's last rows", async () => {
    await session.execute(`${list}.scrollTop = ${list}.scrollHeight`);
    const [start, shown, pending] = await session.execute(`return [Number(${list}.dataset.start),
      document.querySelectorAll('[data-testid="file-row"]').length, document.querySelectorAll('[data-testid="file-row-pending"]').length]`);
    return start > files - 100 && shown > 0 && pending === 0;
  }, 120_000);
  report("per-file list: jump to the end, rows shown", `${seconds(fileEnd.took)}, slowest answer ${fileEnd.slowest} ms`);
  await (await $("toggle-files")).click();

  // (3) The folder of N keys: the first rows, then scrolled to the last.
  await (await $("nav-storage")).click();
  await session.waitFor("the bucket", async () => (await session.execute(
    `return [...document.querySelectorAll('[data-testid="container-row"]')].some((r) => r.dataset.container === arguments[0])`, [bucket])), 30_000);
  await session.execute(`[...document.querySelectorAll('[data-testid="container-row"]')].find((r) => r.dataset.container === arguments[0]).click()`, [bucket]);
  await session.waitFor("the folder row", async () => (await session.texts('[data-testid="folder-row"] .name')).includes(folder), 60_000);
  const entries = `document.querySelector('[data-testid="entries"]')`;
  await session.execute(`[...document.querySelectorAll('[data-testid="folder-row"]')].find((r) => r.querySelector(".name").textContent.trim() === arguments[0]).click()`, [folder]);
  const first = await until("the first rows", async () => Number(await session.execute(`return ${entries}?.dataset.rows ?? 0`)) > 0, 60_000);
  report("storage: a folder of that many keys, first rows", `${seconds(first.took)}`);
  const lastKey = `${folder}/img_${files - 1}.jpg`;
  const end = await until("the folder's last row", async () => {
    await session.execute(`${entries}.scrollTop = ${entries}.scrollHeight`);
    const keys = await session.execute(`return [...document.querySelectorAll('[data-testid="object-row"]')].map((r) => r.dataset.key)`);
    return keys.at(-1) === lastKey && Number(await session.execute(`return ${entries}.dataset.rows`)) === files;
  }, 3_600_000, 0); // as fast as the window takes the scrolls: a person dragging to the end
  report("storage: scrolled to the last row (every page listed, in natural order)", `${seconds(end.took)}, slowest answer ${end.slowest} ms`);
  await session.execute(`${entries}.scrollTop = ${entries}.scrollHeight / 2`);
  const middle = await until("the middle rows", async () => (await session.texts('[data-testid="object-row"]')).length > 0, 10_000);
  report("storage: a jump to the middle, rows shown", `${middle.took} ms`);
  report("memory with every row of the folder listed", memoryNow());

  // (4) A sync of the same folder to a new prefix: a plan of N uploads, its
  // counts and first operations, then its list scrolled to the last one.
  await (await $("nav-sync")).click();
  const folderInput = await $("sync-folder");
  await folderInput.clear();
  await folderInput.type(src);
  await session.waitFor("the bucket in the sync's list", async () => session.execute(
    `return [...document.querySelectorAll('[data-testid="sync-container"] option')].some((o) => o.value === arguments[0])`, [bucket]));
  await session.execute(`const s = document.querySelector('[data-testid="sync-container"]');
    s.value = arguments[0]; s.dispatchEvent(new Event("change", { bubbles: true }));`, [bucket]);
  await (await $("sync-prefix")).type("plan/");
  await (await $("mode-push")).click();
  await (await $("sync-preview")).click();
  const ops = `document.querySelector('[data-testid="plan-ops"]')`;
  const planned = await until("the plan", async () => Number(await session.execute(`return ${ops}?.dataset.rows ?? 0`)) > 0, 3_600_000, 500);
  const [counted] = await session.texts('[data-testid="count-upload"]');
  report("sync: a plan of that many uploads (scan, listing, plan), counts and first rows shown", `${seconds(planned.took)} (${counted})`);
  const planEnd = await until("the plan's last operation", async () => {
    await session.execute(`${ops}.scrollTop = ${ops}.scrollHeight`);
    return Number(await session.execute(`return ${ops}.dataset.rows`)) === files;
  }, 3_600_000, 0);
  report("sync: the plan scrolled to its last operation (every page asked for)", `${seconds(planEnd.took)}, slowest answer ${planEnd.slowest} ms`);
  report("memory with every operation of the plan listed", memoryNow());
} catch (e) {
  // What the window showed when it went wrong.
  const shot = `${process.env.TMPDIR ?? "/tmp"}/bench-window-failure.png`;
  writeFileSync(shot, await session.screenshot());
  console.error(`the window at that moment: ${shot}`);
  throw e;
} finally {
  await session.end();
}
