// The Sync panel's wording and form helpers; the plan itself comes from Rust.
import { area, type Direction, type OpKind, type Reason, type SavedSync, type SyncTarget } from "./ipc";

/** What the Sync view asks of the app. */
export const syncCommands = area(
  "planSync", "planOperations", "applySync", "discardPlan", "listSyncPairs", "saveSyncPair", "removeSyncPair",
);

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
  nameClash: "cannot live here: on this disk its name is the same as another's (letter case or accents)",
  nameRefused: "its name cannot be a file name on this disk",
};

/** A target with every field the form edits filled in. */
export type Target = Required<SyncTarget>;

/** A new sync copies up: the modes that delete (push, pull) are chosen, never the default. */
export function blankTarget(profile: string): Target {
  return {
    profile, folder: "", container: "", prefix: "", mode: "copy", direction: "up", compare: "sizeAndTime",
    includes: [], excludes: [], backupPrefix: null, followLinks: false,
  };
}

/** One glob per line; blank lines and `#` comments are dropped. */
export function parseGlobs(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/** The form saved under a name, and back. */
export function toSaved(name: string, target: Target): SavedSync {
  return { ...target, name: name.trim() };
}

export function fromSaved(pair: SavedSync): Target {
  // Fields with serde defaults are optional in the bindings.
  const { name: _name, ...target } = pair;
  return { ...blankTarget(pair.profile), ...target };
}

/** Which way files move: as the mode says, and for a copy as chosen (Rust
 * decides the same way in SyncTarget::direction). */
export function directionOf(t: Pick<SyncTarget, "mode" | "direction">): Direction {
  return t.mode === "push" ? "up" : t.mode === "pull" ? "down" : (t.direction ?? "up");
}

/** The folder always on the left, the arrow the way files move: "folder → container/prefix" or "folder ← …". */
export function describePair(t: SyncTarget): string {
  const remote = `${t.container}/${t.prefix ?? ""}`;
  return `${t.folder} ${directionOf(t) === "up" ? "→" : "←"} ${remote}`;
}
