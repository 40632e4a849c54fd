import { describe, expect, it } from "vitest";
import { lastContainer, rememberContainer } from "./view-state";

const memory = () => {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
};
const containers = ["alpha", "runs", "zeta"].map((name) => ({ name, createdMs: null }));

describe("the container Sync starts with", () => {
  it("is the one used last with this profile, not the alphabetically first", () => {
    const store = memory();
    expect(lastContainer("GRA", containers, store)).toBe("alpha");
    rememberContainer("GRA", "runs", store);
    expect(lastContainer("GRA", containers, store)).toBe("runs");
    expect(lastContainer("BHS", containers, store)).toBe("alpha");
  });

  it("falls back to the first when the last one is gone", () => {
    const store = memory();
    rememberContainer("GRA", "deleted", store);
    expect(lastContainer("GRA", containers, store)).toBe("alpha");
    expect(lastContainer("GRA", [], store)).toBe("");
  });
});
