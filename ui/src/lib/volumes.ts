// Building job volumes in the window: new rows, volumes from a storage
// location, reordering, and sizes for the estimate line.
import { emptyForm } from "./jobs";
import { area, type Finding, type LaunchForm, type Volume } from "./ipc";

/** What the Job volumes view asks of the app. */
export const volumeCommands = area(
  "previewVolumes", "listVolumeSets", "saveVolumeSet", "removeVolumeSet", "surveyVolumes", "importVolumes",
);

/** A fresh datastore volume, mounted at the next free /workspace folder. */
export function newVolume(alias: string, taken: string[]): Volume {
  return {
    source: { kind: "dataStore", alias, container: "", prefix: "" },
    mountPath: freeMountPath("data", taken),
    permission: "ro",
    cache: false,
  };
}

/** The volume for a container or prefix picked in the storage browser. */
export function volumeFromLocation(alias: string, container: string, prefix: string, taken: string[]): Volume {
  const last = prefix.split("/").filter((s) => s !== "").at(-1) ?? container;
  const folder = last.toLowerCase().replace(/[^a-z0-9_.-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "") || "data";
  return {
    source: { kind: "dataStore", alias, container, prefix },
    mountPath: freeMountPath(folder, taken),
    permission: "ro",
    cache: false,
  };
}

/** A location as `ovhai` reads a volume: `container@ALIAS/prefix:/workspace/folder:ro`. */
export function volumeText(alias: string, container: string, prefix: string): string {
  const volume = volumeFromLocation(alias, container, prefix, []);
  return `${container}@${alias || "ALIAS"}${prefix ? `/${prefix}` : ""}:${volume.mountPath}:ro`;
}

function freeMountPath(folder: string, taken: string[]): string {
  let path = `/workspace/${folder}`;
  for (let n = 2; taken.includes(path); n += 1) path = `/workspace/${folder}-${n}`;
  return path;
}

/** `list` with the item at `from` moved to `to` (clamped to the list). */
export function moved<T>(list: T[], from: number, to: number): T[] {
  const target = Math.max(0, Math.min(list.length - 1, to));
  if (from === target || from < 0 || from >= list.length) return list;
  const copy = [...list];
  const [item] = copy.splice(from, 1);
  copy.splice(target, 0, item);
  return copy;
}

/** Findings of one volume, most serious first. */
export function findingsFor(findings: Finding[], index: number): Finding[] {
  const order = { error: 0, warning: 1, confirm: 2, hint: 3 } as const;
  return findings.filter((f) => f.volume === index).sort((a, b) => order[a.severity] - order[b.severity]);
}

/** The MIME type of a storage location dragged from the browser. */
export const LOCATION_MIME = "application/x-stowage-location";

export interface DraggedLocation {
  profile: string;
  alias: string;
  container: string;
  prefix: string;
}

/** A job or notebook being composed: its form, region and volume set's name. */
export interface Draft {
  form: LaunchForm;
  jobRegion: string;
  setName: string;
}

/** The draft saved by the last run (`draftText`), or an empty one. */
export function draftFrom(saved: string | null): Draft {
  const empty: Draft = { form: emptyForm("job"), jobRegion: "", setName: "" };
  try {
    const draft = JSON.parse(saved ?? "null");
    if (!Array.isArray(draft?.form?.volumes)) return empty;
    return {
      form: { ...empty.form, ...draft.form },
      jobRegion: typeof draft.jobRegion === "string" ? draft.jobRegion : "",
      setName: typeof draft.setName === "string" ? draft.setName : "",
    };
  } catch {
    return empty;
  }
}

/** The draft as saved. Without its environment variables: their values may
 * be tokens, and nothing secret is written to disk, so they last as long as
 * the window. */
export function draftText(draft: Draft): string {
  return JSON.stringify({ ...draft, form: { ...draft.form, env: "" } });
}
