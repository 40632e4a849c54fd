// How a folder's entries are ordered and walked: folders first, then
// objects, in natural order (img_2 before img_10) or by size or date;
// range selection and keyboard moves over that order.
import type { ObjectInfo } from "./ipc";
import { nameIn } from "./path";

export type Entry = { kind: "folder"; key: string } | { kind: "object"; key: string; info: ObjectInfo };
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
export function sortEntries(entries: Entry[], sort: Sort, prefix: string): Entry[] {
  const byName = (a: Entry, b: Entry) => naturalCompare(nameIn(prefix, a.key), nameIn(prefix, b.key));
  const value = (e: Entry) => (e.kind === "object" ? (sort.column === "size" ? e.info.size : (e.info.modifiedMs ?? 0)) : 0);
  const sign = sort.descending ? -1 : 1;
  return [...entries].sort((a, b) => {
    if (a.kind !== b.kind) return a.kind === "folder" ? -1 : 1;
    // Folders have no size or date: by those columns they stay in name order.
    if (a.kind === "folder" && sort.column !== "name") return byName(a, b);
    const primary = sort.column === "name" ? 0 : value(a) - value(b);
    return sign * (primary || byName(a, b));
  });
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
