// Dragging real files onto the window the way a person does: a small GTK
// window (drag-source.py) offers them as text/uri-list, and xdotool presses
// the mouse on it, moves onto the app in steps and lets go. The window's
// native drag-and-drop events then fire as they do for a file manager.
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const source = fileURLToPath(new URL("./drag-source.py", import.meta.url));
const xdotool = (...args) => execFileSync("xdotool", args, { encoding: "utf8" }).trim();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Where the window named `title` is on the screen: {X, Y, WIDTH, HEIGHT}. */
function geometry(title) {
  const id = xdotool("search", "--sync", "--onlyvisible", "--name", `^${title}$`).split("\n")[0];
  const shell = xdotool("getwindowgeometry", "--shell", id);
  return Object.fromEntries(shell.split("\n").map((l) => l.split("=")).map(([k, v]) => [k, Number(v)]));
}

/** Drags `paths` from a desktop drag source onto the element `css` of the app's window. */
export async function dragOnto(session, paths, css) {
  const helper = spawn("/usr/bin/python3", [source, "1150", "700", ...paths], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    let out = "";
    helper.stdout.on("data", (d) => (out += d));
    while (!out.includes("ready")) {
      if (helper.exitCode !== null) throw new Error("the drag source did not start");
      await sleep(50);
    }
    const from = geometry("stowage-drag-source");
    const app = geometry("Stowage");
    // The page starts below the native menu bar: the window is taller than the page by its height.
    const target = await session.execute(`
      const r = document.querySelector(arguments[0]).getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2, page: window.innerHeight };`, [css]);
    const menuBar = app.HEIGHT - target.page;
    const to = { x: Math.round(app.X + target.x), y: Math.round(app.Y + menuBar + target.y) };
    const start = { x: from.X + Math.round(from.WIDTH / 2), y: from.Y + Math.round(from.HEIGHT / 2) };
    xdotool("mousemove", String(start.x), String(start.y));
    xdotool("mousedown", "1");
    for (let i = 1; i <= 12; i++) {
      const x = Math.round(start.x + ((to.x - start.x) * i) / 12);
      const y = Math.round(start.y + ((to.y - start.y) * i) / 12);
      xdotool("mousemove", String(x), String(y));
      await sleep(60);
    }
    await sleep(300);
    xdotool("mouseup", "1");
    await sleep(300);
    return out;
  } finally {
    helper.kill();
    await once(helper, "exit").catch(() => {});
  }
}
