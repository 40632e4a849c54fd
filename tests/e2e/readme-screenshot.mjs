// Opens a seeded container in the real window and saves the pictures the
// README shows: the folder at the default size, then with an object's
// details at the smallest window (760x480), and dark. Run through
// scripts/screenshot, which sets the environment; the argument is the
// folder the pictures go to.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { openApp } from "./app.mjs";
import { resize } from "./layout.mjs";
import { setDark } from "./a11y.mjs";

const dir = process.argv[2];
const session = await openApp();
try {
  const row = await session.waitFor("the datasets container", async () => {
    const rows = await session.findAll('[data-testid="container-row"]');
    for (const r of rows) if ((await r.text()).includes("datasets")) return r;
  });
  await row.click();
  await session.waitFor("the folder listing and its size", async () =>
    (await session.findAll('[data-testid="object-row"]')).length > 0
    && !(await session.texts('[data-testid="folder-size"]'))[0]?.includes("counting"));
  await resize(session, 1120, 748);
  writeFileSync(join(dir, "screenshot.png"), await session.screenshot());

  await (await session.find('[data-testid="object-row"]')).click();
  await session.waitFor("the details", () => session.find('[data-testid="object-details"]'));
  await setDark(session, true);
  writeFileSync(join(dir, "dark.png"), await session.screenshot());
  await setDark(session, false);
  await resize(session, 760, 480);
  writeFileSync(join(dir, "narrow.png"), await session.screenshot());
} finally {
  await session.end();
}
