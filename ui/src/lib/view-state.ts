// What views showed, kept while the window lives (switching views and back
// finds them as they were), and the few choices kept across restarts.
import type { ContainerInfo, DeletePolicy, SyncPreview, Workload } from "./ipc";
import type { Sort } from "./listing";
import type { Browser } from "./storage.svelte";
import type { Target } from "./sync";

/** Storage's browser (its folder and what it listed) and how the list was shown, by profile. */
export const keptStorage = new Map<string, { browser: Browser; filter: string; sort: Sort; selected: string[]; scrollTop: number }>();

/** Jobs: which list, and the run whose page was open. */
export const keptJobs: { kind: Workload; selectedId: string | null } = { kind: "job", selectedId: null };

/** Watched folders: the "Watch a folder" form, open or not, as it was filled. */
export interface WatchForm {
  folder: string;
  container: string;
  prefix: string;
  delete: DeletePolicy;
  backupPrefix: string;
  excludes: string;
}
export const keptWatch: { adding: boolean; form: WatchForm | null } = { adding: false, form: null };

/** The Sync form and its plan, by profile. */
export const keptSync = new Map<string, { setup: Target; excludesText: string; preview: SyncPreview | null }>();

const containerKey = (profile: string) => `stowage.sync.container.${profile}`;

/** The container Sync used last with `profile` if it still exists, else the first. */
export function lastContainer(profile: string, containers: ContainerInfo[], store: Pick<Storage, "getItem"> = localStorage): string {
  const last = store.getItem(containerKey(profile));
  return containers.find((c) => c.name === last)?.name ?? containers[0]?.name ?? "";
}

export function rememberContainer(profile: string, container: string, store: Pick<Storage, "setItem"> = localStorage) {
  store.setItem(containerKey(profile), container);
}
