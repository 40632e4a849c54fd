import { describe, expect, it } from "vitest";
import { counted, formatBytes, formatDate, formatEta, formatRate } from "./format";

describe("counts", () => {
  it("says one thing in the singular and thousands with separators", () => {
    expect(counted(1, "file")).toBe("1 file");
    expect(counted(0, "file")).toBe("0 files");
    expect(counted(1200, "match", "matches")).toBe("1,200 matches");
  });
});

describe("formatBytes", () => {
  it("uses human units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(50 * 1024 ** 3)).toBe("50 GB");
    expect(formatBytes(5 * 1024 ** 4)).toBe("5.0 TB");
  });

  it("refuses nonsense", () => {
    expect(formatBytes(-1)).toBe("—");
    expect(formatBytes(Number.NaN)).toBe("—");
  });
});

describe("formatDate", () => {
  it("shows a dash when unknown", () => {
    expect(formatDate(null)).toBe("—");
  });

  it("shows the year and day", () => {
    const text = formatDate(Date.UTC(2026, 10, 27, 12), "en-GB");
    expect(text).toContain("2026");
    expect(text).toContain("27");
  });
});

describe("formatRate and formatEta", () => {
  it("reads like a file manager", () => {
    expect(formatRate(12.5 * 1024 * 1024)).toBe("13 MB/s");
    expect(formatRate(0)).toBe("—");
    expect(formatEta(45)).toBe("45 s");
    expect(formatEta(200)).toBe("3 min 20 s");
    expect(formatEta(7500)).toBe("2 h 05 min");
    expect(formatEta(null)).toBe("—");
  });
});
