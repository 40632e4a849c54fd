// How a folder's entries are ordered and walked: folders first, then
// objects, in natural order (img_2 before img_10) or by size or date;
// range selection and keyboard moves over that order.
import type { ListedObject } from "./ipc";
import { nameIn } from "./path";

export type Entry = { kind: "folder"; key: string } | { kind: "object"; key: string; info: ListedObject };
export type SortColumn = "name" | "size" | "modified";
export interface Sort {
  column: SortColumn;
  descending: boolean;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** "img_2" before "img_10", case aside; names equal that way fall back to code points. */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Folders first, then objects by the sort column; ties by name. */
export function entryOrder(sort: Sort, prefix: string): (a: Entry, b: Entry) => number {
  const byName = (a: Entry, b: Entry) => naturalCompare(nameIn(prefix, a.key), nameIn(prefix, b.key));
  const value = (e: Entry) => (e.kind === "object" ? (sort.column === "size" ? e.info.size : (e.info.modifiedMs ?? 0)) : 0);
  const sign = sort.descending ? -1 : 1;
  return (a, b) => {
    if (a.kind !== b.kind) return a.kind === "folder" ? -1 : 1;
    // Folders have no size or date: by those columns they stay in name order.
    if (a.kind === "folder" && sort.column !== "name") return byName(a, b);
    const primary = sort.column === "name" ? 0 : value(a) - value(b);
    return sign * (primary || byName(a, b));
  };
}

/** `sorted` with `more` merged in, as a new array. `more` is sorted alone
 * and each of its rows placed by binary search: a page costs its own size
 * times log n comparisons and one copy, where sorting everything again
 * would cost n log n (seconds at a million rows, for every page). */
export function mergeSorted<T>(sorted: T[], more: T[], compare: (a: T, b: T) => number): T[] {
  const page = [...more].sort(compare);
  if (page.length === 0) return sorted;
  if (sorted.length === 0 || compare(sorted[sorted.length - 1], page[0]) <= 0) return sorted.concat(page);
  const merged = new Array<T>(sorted.length + page.length);
  let from = 0, to = 0;
  for (const row of page) {
    // After the rows that compare equal: earlier pages keep their place.
    let lo = from, hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(sorted[mid], row) <= 0) lo = mid + 1;
      else hi = mid;
    }
    while (from < lo) merged[to++] = sorted[from++];
    merged[to++] = row;
  }
  while (from < sorted.length) merged[to++] = sorted[from++];
  return merged;
}

/** A folder's listing as entries in the chosen order, kept between pages:
 * when the folders and objects are the arrays seen before, grown at their
 * end (as `Browser` and `Search` grow them, page by page), only the new rows
 * are merged in; another folder, another order or other arrays (a reload)
 * are sorted afresh. */
export class OrderedListing {
  private folders: string[] = [];
  private objects: ListedObject[] = [];
  /** How many folders and objects were in order already. */
  private seen = [0, 0];
  private sort: Sort | null = null;
  private prefix = "";
  private entries: Entry[] = [];

  of(folders: string[], objects: ListedObject[], sort: Sort, prefix: string): Entry[] {
    const [seenFolders, seenObjects] = this.seen;
    const same = this.sort !== null && this.sort.column === sort.column && this.sort.descending === sort.descending &&
      this.prefix === prefix && folders === this.folders && objects === this.objects &&
      folders.length >= seenFolders && objects.length >= seenObjects;
    const order = entryOrder(sort, prefix);
    const added = entriesOf(folders.slice(same ? seenFolders : 0), objects.slice(same ? seenObjects : 0));
    this.entries = same ? mergeSorted(this.entries, added, order) : added.sort(order);
    [this.folders, this.objects, this.sort, this.prefix] = [folders, objects, { ...sort }, prefix];
    this.seen = [folders.length, objects.length];
    return this.entries;
  }
}

function entriesOf(folders: string[], objects: ListedObject[]): Entry[] {
  return [
    ...folders.map((key) => ({ kind: "folder" as const, key })),
    ...objects.map((info) => ({ kind: "object" as const, key: info.key, info })),
  ];
}

/** Clicking a column: the same one flips the order, another starts ascending (newest/largest first for dates and sizes). */
export function nextSort(current: Sort, column: SortColumn): Sort {
  if (current.column === column) return { column, descending: !current.descending };
  return { column, descending: column !== "name" };
}

/** The keys from `anchor` to `key` inclusive, in list order (Shift+click). */
/** What a selection stands for: the folder `prefix` itself (every object
 * below it, listed or not) once "everything in this folder" put its key in
 * the set, else the keys picked. */
export function selectionKeys(selected: Iterable<string>, prefix: string): string[] {
  const keys = [...selected];
  return keys.includes(prefix) ? [prefix] : keys;
}

export function rangeBetween(entries: Entry[], anchor: string | null, key: string): string[] {
  const to = entries.findIndex((e) => e.key === key);
  const found = anchor === null ? -1 : entries.findIndex((e) => e.key === anchor);
  const from = found < 0 ? to : found;
  const [lo, hi] = from <= to ? [from, to] : [to, from];
  return entries.slice(lo, hi + 1).map((e) => e.key);
}

/** Where the keyboard cursor goes for a key press; null when the key does not move it. */
export function moveCursor(length: number, cursor: number, key: string, page = 10): number | null {
  if (length === 0) return null;
  const at = (n: number) => Math.max(0, Math.min(length - 1, n));
  switch (key) {
    case "ArrowDown": return cursor < 0 ? 0 : at(cursor + 1);
    case "ArrowUp": return cursor < 0 ? 0 : at(cursor - 1);
    case "PageDown": return at(cursor + page);
    case "PageUp": return at(cursor - page);
    case "Home": return 0;
    case "End": return length - 1;
    default: return null;
  }
}
