// Opens a seeded container in the real window and saves the screenshot the
// README shows. Run through scripts/screenshot, which sets the environment.
import { writeFileSync } from "node:fs";
import { openApp } from "./app.mjs";

const session = await openApp();
try {
  const row = await session.waitFor("the datasets container", async () => {
    const rows = await session.findAll('[data-testid="container-row"]');
    for (const r of rows) if ((await r.text()).includes("datasets")) return r;
  });
  await row.click();
  await session.waitFor("the folder listing", async () => (await session.findAll('[data-testid="object-row"]')).length > 0);
  writeFileSync(process.argv[2], await session.screenshot());
} finally {
  await session.end();
}
