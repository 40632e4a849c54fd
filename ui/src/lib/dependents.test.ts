import { describe, expect, it } from "vitest";
import { dependentsOf } from "./dependents";
import type { Profile, SavedSync, VolumeSet, WatchedView } from "./ipc";

const profile = { name: "GRA", datastoreAlias: "S3GRA", backend: { kind: "local", root: "/x" } } as unknown as Profile;
const sync = (name: string, of: string) => ({ name, folder: `/data/${name}`, profile: of, container: "c", mode: "push" }) as SavedSync;
const watch = (folder: string, of: string) => ({ watched: { folder, profile: of, container: "c", mode: "push" } }) as unknown as WatchedView;
const set = (name: string, alias: string) =>
  ({ name, image: "", volumes: [{ source: { kind: "dataStore", alias, container: "c", prefix: "" }, mountPath: "/workspace/data", permission: "ro", cache: false }] }) as VolumeSet;

describe("what names a profile", () => {
  it("lists its saved syncs, watched folders and the volume sets that use its alias", () => {
    const found = dependentsOf(profile, [sync("runs", "GRA"), sync("other", "BHS")], [watch("/ckpt", "GRA"), watch("/x", "BHS")], [set("train", "S3GRA"), set("bhs", "S3BHS")]);
    expect(found).toEqual(["Saved sync “runs” (/data/runs)", "Watched folder /ckpt", "Volume set “train” (uses S3GRA)"]);
  });

  it("finds no volume set for a profile without an alias", () => {
    expect(dependentsOf({ ...profile, datastoreAlias: null } as Profile, [], [], [set("train", "S3GRA")])).toEqual([]);
  });
});
