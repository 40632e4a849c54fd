import { describe, expect, it } from "vitest";
import { moveCursor, naturalCompare, nextSort, rangeBetween, selectionKeys, sortEntries, type Entry } from "./listing";

const object = (key: string, size = 1, modifiedMs: number | null = 0): Entry => ({
  kind: "object", key, info: { key, size, modifiedMs, etag: null, contentType: null, metadata: {}, storageClass: null },
});
const folder = (key: string): Entry => ({ kind: "folder", key });
const keys = (entries: Entry[]) => entries.map((e) => e.key);

describe("the file list's order", () => {
  it("is natural: img_2 before img_10, case aside", () => {
    const names = ["img_10.jpg", "img_2.jpg", "Img_1.jpg", "img_1.jpg", "epoch-100.pt", "epoch-20.pt"];
    expect([...names].sort(naturalCompare)).toEqual(["epoch-20.pt", "epoch-100.pt", "Img_1.jpg", "img_1.jpg", "img_2.jpg", "img_10.jpg"]);
  });

  it("keeps folders first and sorts objects by the chosen column", () => {
    const entries = [object("d/b.bin", 30, 3), folder("d/z/"), object("d/a10.bin", 10, 1), object("d/a2.bin", 20, 2), folder("d/y2/")];
    expect(keys(sortEntries(entries, { column: "name", descending: false }, "d/"))).toEqual(["d/y2/", "d/z/", "d/a2.bin", "d/a10.bin", "d/b.bin"]);
    expect(keys(sortEntries(entries, { column: "size", descending: true }, "d/"))).toEqual(["d/y2/", "d/z/", "d/b.bin", "d/a2.bin", "d/a10.bin"]);
    expect(keys(sortEntries(entries, { column: "modified", descending: false }, "d/"))).toEqual(["d/y2/", "d/z/", "d/a10.bin", "d/a2.bin", "d/b.bin"]);
    expect(keys(sortEntries(entries, { column: "name", descending: true }, "d/"))).toEqual(["d/z/", "d/y2/", "d/b.bin", "d/a10.bin", "d/a2.bin"]);
  });

  it("flips on the same column, and starts largest or newest first on another", () => {
    expect(nextSort({ column: "name", descending: false }, "name")).toEqual({ column: "name", descending: true });
    expect(nextSort({ column: "name", descending: false }, "size")).toEqual({ column: "size", descending: true });
    expect(nextSort({ column: "size", descending: true }, "name")).toEqual({ column: "name", descending: false });
  });
});

describe("selection and the keyboard", () => {
  const entries = ["a", "b", "c", "d"].map((k) => object(k));

  it("selects a range in list order, either way", () => {
    expect(rangeBetween(entries, "b", "d")).toEqual(["b", "c", "d"]);
    expect(rangeBetween(entries, "d", "b")).toEqual(["b", "c", "d"]);
    expect(rangeBetween(entries, null, "c")).toEqual(["c"]);
    expect(rangeBetween(entries, "gone", "c")).toEqual(["c"]);
  });

  it("moves the cursor within the list", () => {
    expect(moveCursor(4, -1, "ArrowDown")).toBe(0);
    expect(moveCursor(4, 3, "ArrowDown")).toBe(3);
    expect(moveCursor(4, 0, "ArrowUp")).toBe(0);
    expect(moveCursor(4, 1, "End")).toBe(3);
    expect(moveCursor(40, 5, "PageDown")).toBe(15);
    expect(moveCursor(4, 1, "a")).toBeNull();
    expect(moveCursor(0, -1, "ArrowDown")).toBeNull();
  });
});

describe("selectionKeys", () => {
  it("is the folder itself once everything in it is selected, and the keys otherwise", () => {
    expect(selectionKeys(["train/a.jpg", "train/b/", "train/"], "train/")).toEqual(["train/"]);
    expect(selectionKeys(["a.jpg", ""], "")).toEqual([""]);
    expect(selectionKeys(["train/a.jpg", "train/b/"], "train/")).toEqual(["train/a.jpg", "train/b/"]);
  });
});
