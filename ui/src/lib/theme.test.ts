import { describe, expect, it, vi } from "vitest";

vi.stubGlobal("matchMedia", () => ({ matches: false, addEventListener: () => {} }));
vi.stubGlobal("localStorage", { getItem: () => null, setItem: () => {} });
const { shownTheme, themeFrom } = await import("./theme.svelte");

describe("the theme", () => {
  it("follows the system unless light or dark is chosen", () => {
    expect(shownTheme("system", true)).toBe("dark");
    expect(shownTheme("system", false)).toBe("light");
    expect(shownTheme("light", true)).toBe("light");
    expect(shownTheme("dark", false)).toBe("dark");
  });

  it("reads a stored choice leniently", () => {
    expect(themeFrom("dark")).toBe("dark");
    expect(themeFrom(null)).toBe("system");
    expect(themeFrom("purple")).toBe("system");
  });
});
