// Accessibility as axe-core judges it (WCAG 2 A and AA rules), run in the
// real window, in light and in dark (the page's data-theme, as Settings' Theme
// sets it; WebDriver cannot change the desktop's own preference).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Shows the page dark (`dark`) or light, as the theme would. */
export function setDark(session, dark) {
  return session.execute(`const shown = arguments[0] ? "dark" : "light";
    document.documentElement.dataset.theme = shown;
    document.documentElement.style.colorScheme = shown;`, [dark]);
}

/** The serious and critical violations on the page now, one line each. */
export async function axeViolations(session) {
  const loaded = await session.execute("return typeof window.axe !== 'undefined'");
  if (!loaded) await session.execute(`${axeSource}\nreturn true;`);
  const result = await session.executeAsync(`
    const done = arguments[0];
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] })
      .then((r) => done(r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 4).map((n) => n.target.join(" ") + (n.any[0]?.message ? " — " + n.any[0].message : "")).join("; "))),
        (e) => done(["axe failed: " + e]));`);
  return result;
}
