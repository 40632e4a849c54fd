/// <reference types="vite/client" />
// The window's layering: views, components and the shell reach the app only
// through their area's lib module (lib/ipc's `area`), never `commands`.
import { describe, expect, it } from "vitest";

const sources = import.meta.glob(["./App.svelte", "./views/**/*.svelte", "./components/**/*.svelte"], {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

describe("layering", () => {
  it("reads the views and components", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(20);
  });

  it("sends no command from a view or component directly", () => {
    const direct = Object.entries(sources)
      .filter(([, text]) => /\bcommands\s*\.|import\s*\{[^}]*\bcommands\b[^}]*\}\s*from/.test(text))
      .map(([file]) => file);
    expect(direct).toEqual([]);
  });
});
