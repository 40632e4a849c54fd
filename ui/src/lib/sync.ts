// The Sync panel's wording and form helpers; the plan itself comes from Rust.
import type { OpKind, Reason, SavedSync, SyncSetup } from "./ipc";

export const kindLabel: Record<OpKind, string> = {
  upload: "Upload",
  download: "Download",
  deleteRemote: "Delete from storage",
  deleteLocal: "Delete on this computer",
  conflict: "Conflict",
};

export const reasonText: Record<Reason, string> = {
  new: "new",
  sizeDiffers: "size differs",
  newer: "newer",
  checksumDiffers: "checksum differs",
  changed: "changed since the last sync",
  changedAtDestination: "changed at the destination; the source wins",
  deleted: "not at the source",
  bothChanged: "changed on both sides since the last sync",
  deletedButChanged: "deleted at the source but changed at the destination",
  typeClash: "a file and a folder would share this name",
  renamed: "renamed: copied on the server, nothing sent",
};

/** One glob per line; blank lines and `#` comments are dropped. */
export function parseGlobs(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/** The form as a saved pair, and back. */
export function toSaved(name: string, setup: SyncSetup): SavedSync {
  return {
    name: name.trim(), folder: setup.folder, profile: setup.profile, container: setup.container, prefix: setup.prefix,
    mode: setup.mode, direction: setup.direction, compare: setup.compare, includes: setup.includes, excludes: setup.excludes,
  };
}

export function fromSaved(pair: SavedSync): SyncSetup {
  // Fields with serde defaults are optional in the bindings.
  return {
    ...pair, prefix: pair.prefix ?? "", compare: pair.compare ?? "sizeAndTime", includes: pair.includes ?? [],
    excludes: pair.excludes ?? [], backupPrefix: null, allowManyDeletes: false,
  };
}

/** "folder → container/prefix" in the direction files move. */
export function describePair(p: { folder: string; container: string; prefix: string; mode: SyncSetup["mode"]; direction: SyncSetup["direction"] }): string {
  const remote = `${p.container}/${p.prefix}`;
  const up = p.mode === "push" || (p.mode === "copy" && p.direction === "up");
  return up ? `${p.folder} → ${remote}` : `${remote} → ${p.folder}`;
}
