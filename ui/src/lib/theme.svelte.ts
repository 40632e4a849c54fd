// Light or dark: as the system says (and follows it when it changes), or as
// chosen in Settings. The page's <html> carries the result as data-theme,
// which app.css and the views' styles read; the choice is kept in this
// window's storage, as other choices about the window are.
export type Theme = "system" | "light" | "dark";

const KEY = "stowage.theme";
const systemDark = matchMedia("(prefers-color-scheme: dark)");

/** The colours shown for a choice, given whether the system is dark now. */
export function shownTheme(chosen: Theme, systemIsDark: boolean): "light" | "dark" {
  return chosen === "system" ? (systemIsDark ? "dark" : "light") : chosen;
}

/** A stored choice, read leniently: anything else is "system". */
export function themeFrom(saved: string | null): Theme {
  return saved === "light" || saved === "dark" ? saved : "system";
}

export const theme = $state({ chosen: themeFrom(localStorage.getItem(KEY)) });

export function applyTheme() {
  const shown = shownTheme(theme.chosen, systemDark.matches);
  document.documentElement.dataset.theme = shown;
  document.documentElement.style.colorScheme = shown;
}

export function chooseTheme(chosen: Theme) {
  theme.chosen = chosen;
  localStorage.setItem(KEY, chosen);
  applyTheme();
}

systemDark.addEventListener("change", applyTheme);
