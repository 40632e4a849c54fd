// Accessibility as axe-core judges it (WCAG 2 A and AA rules), run in the
// real window. Dark mode is the page's own dark styles switched on: every
// "prefers-color-scheme: dark" rule is made to apply, as the desktop's dark
// setting would (WebDriver cannot change the desktop's preference).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Makes the page's dark rules apply (`dark`) or follow the desktop again. */
export function setDark(session, dark) {
  return session.execute(`
    // The dark rules, found once (their condition is rewritten below).
    window.__darkRules ??= [...document.styleSheets].flatMap((sheet) => [...sheet.cssRules])
      .filter((rule) => rule instanceof CSSMediaRule && rule.conditionText.includes("prefers-color-scheme: dark"));
    for (const rule of window.__darkRules) rule.media.mediaText = arguments[0] ? "all" : "(prefers-color-scheme: dark)";
    document.documentElement.style.colorScheme = arguments[0] ? "dark" : "";`, [dark]);
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
