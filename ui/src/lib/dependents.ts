// What else names a profile: removing it leaves these without storage, so
// the confirmation lists them.
import type { Profile, SavedSync, VolumeSet, WatchedView } from "./ipc";

export function dependentsOf(profile: Profile, syncs: SavedSync[], watched: WatchedView[], sets: VolumeSet[]): string[] {
  const alias = profile.datastoreAlias;
  return [
    ...syncs.filter((s) => s.profile === profile.name).map((s) => `Saved sync “${s.name}” (${s.folder})`),
    ...watched.filter((w) => w.watched.profile === profile.name).map((w) => `Watched folder ${w.watched.folder}`),
    ...sets
      .filter((set) => alias && set.volumes.some((v) => v.source.kind === "dataStore" && v.source.alias === alias))
      .map((set) => `Volume set “${set.name}” (uses ${alias})`),
  ];
}
