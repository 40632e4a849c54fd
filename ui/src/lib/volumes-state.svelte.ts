// The volume list being composed, kept while the user browses other views
// (and fed by drops from the storage browser).
import type { Volume } from "./ipc";

export const composer = $state({
  image: "",
  jobRegion: "",
  setName: "",
  volumes: [] as Volume[],
});
