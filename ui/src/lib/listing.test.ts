import { describe, expect, it, vi } from "vitest";
import {
  entryOrder, mergeSorted, moveCursor, naturalCompare, nextSort, OrderedListing, rangeBetween, selectionKeys, type Entry, type Sort,
} from "./listing";
import type { ListedObject } from "./ipc";

const object = (key: string, size = 1, modifiedMs: number | null = 0): Entry => ({
  kind: "object", key, info: { key, size, modifiedMs, storageClass: null },
});
const folder = (key: string): Entry => ({ kind: "folder", key });
const keys = (entries: Entry[]) => entries.map((e) => e.key);
// Each natural comparison reads the collator's compare once.
const compareGetter = vi.spyOn(Intl.Collator.prototype, "compare", "get");
const countCompares = () => compareGetter.mock.calls.length;
const sortEntries = (entries: Entry[], sort: Sort, prefix: string) => [...entries].sort(entryOrder(sort, prefix));

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

  it("merges a page into sorted rows where a sort of everything would put them", () => {
    const byNumber = (a: number, b: number) => a - b;
    expect(mergeSorted([1, 4, 9], [10, 3, 0, 4], byNumber)).toEqual([0, 1, 3, 4, 4, 9, 10]);
    expect(mergeSorted([1, 2], [3, 5], byNumber)).toEqual([1, 2, 3, 5]);
    expect(mergeSorted([], [2, 1], byNumber)).toEqual([1, 2]);
    const rows = [2, 2, 7];
    expect(mergeSorted(rows, [], byNumber)).toBe(rows);
    // Rows that compare equal keep the earlier page first.
    const a = { n: 1, page: "first" }, b = { n: 1, page: "second" };
    expect(mergeSorted([a], [b], (x, y) => x.n - y.n)).toEqual([a, b]);
  });

  it("keeps a listing in order page by page with comparisons for the page, not for everything listed", () => {
    // Keys come in byte order (S3's), which is not the natural order shown.
    const info = (key: string): ListedObject => ({ key, size: 1, modifiedMs: 0, storageClass: null });
    const all = Array.from({ length: 20_000 }, (_, i) => `d/img_${i}.jpg`).sort();
    const sort: Sort = { column: "name", descending: false };
    const listing = new OrderedListing();
    // Grown in place, page by page, as the Browser grows them.
    const folders = ["d/sub/"], objects: ListedObject[] = [];
    let shown: Entry[] = [];
    const compares: number[] = [];
    for (let at = 0; at < all.length; at += 1000) {
      objects.push(...all.slice(at, at + 1000).map(info));
      const before = countCompares();
      shown = listing.of(folders, objects, sort, "d/");
      compares.push(countCompares() - before);
    }
    expect(keys(shown)).toEqual(keys(sortEntries(shown, sort, "d/")));
    expect(shown.length).toBe(20_001);
    expect(keys(shown).slice(0, 4)).toEqual(["d/sub/", "d/img_0.jpg", "d/img_1.jpg", "d/img_2.jpg"]);
    // A page of 1,000 merged into 19,000: about 1,000 x (log2 1,000 + log2 19,000) ≈ 25,000 at most;
    // sorting all 20,000 again takes about 87,000 here, and grows as n log n (5.6 million at 1.28 million rows).
    expect(Math.max(...compares.slice(1))).toBeLessThan(40_000);

    // Another order, or another folder, sorts afresh.
    const bySize = listing.of(folders, objects, { column: "size", descending: true }, "d/");
    expect(keys(bySize)).toEqual(keys(sortEntries(bySize, { column: "size", descending: true }, "d/")));
    const other = [info("e/b"), info("e/a")];
    expect(keys(listing.of([], other, sort, "e/"))).toEqual(["e/a", "e/b"]);
    // The same folder listed again from its first page: not taken for more of the old one.
    expect(keys(listing.of([], [info("e/c")], sort, "e/"))).toEqual(["e/c"]);
    // Reloaded with the same first and last folder but another between them.
    listing.of(["f/a/", "f/b/", "f/c/"], [], sort, "f/");
    expect(keys(listing.of(["f/a/", "f/b2/", "f/c/"], [], sort, "f/"))).toEqual(["f/a/", "f/b2/", "f/c/"]);
    // The same arrays, grown: only the new rows are placed; the list is a new one (so the view sees it change).
    const grown = ["g/b/"], none: ListedObject[] = [];
    const first = listing.of(grown, none, sort, "g/");
    grown.push("g/a/", "g/c/");
    const before = countCompares();
    const next = listing.of(grown, none, sort, "g/");
    expect(keys(next)).toEqual(["g/a/", "g/b/", "g/c/"]);
    expect(next).not.toBe(first);
    expect(countCompares() - before).toBeLessThan(8);
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
