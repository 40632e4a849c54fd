// Every transfer of this session, as the Transfers view and the sidebar show
// them; fed by the engine's TransferUpdated events.
import { commands, events, type Existing, type FileRow, type Snapshot, type Summary, type TransferKind, type TransferUpdated } from "./ipc";

export type TransferState = "running" | "done" | "failed" | "cancelled";

export interface Transfer {
  id: number;
  kind: TransferKind;
  profile: string;
  container: string;
  prefix: string;
  paths: string[];
  existing: Existing;
  snapshot: Snapshot | null;
  failures: [string, string][];
  skipped: { path: string; reason: string }[];
  summary: Summary | null;
  paused: boolean;
  /** How many finished files `rowsOf` holds: reading it makes a view follow the rows. */
  filesSeen: number;
}

// Finished files per transfer, outside the reactive state: 100,000 rows
// would otherwise each become a proxy. Views read them through `rowsOf`.
const fileRows = new Map<number, FileRow[]>();

/** The finished files of `t`, in the order they finished. */
export function rowsOf(t: Transfer): FileRow[] {
  return t.filesSeen >= 0 ? (fileRows.get(t.id) ?? []).slice() : [];
}

function fresh(id: number, kind: TransferKind, profile: string, container: string, prefix: string, paths: string[], existing: Existing): Transfer {
  return { id, kind, profile, container, prefix, paths, existing, snapshot: null, failures: [], skipped: [], summary: null, paused: false, filesSeen: 0 };
}

export const transfers: { list: Transfer[] } = $state({ list: [] });

export function stateOf(t: Transfer): TransferState {
  if (!t.summary) return "running";
  if (t.summary.cancelled) return "cancelled";
  return t.summary.failed.length > 0 ? "failed" : "done";
}

/** Folds one update into the list (newest first); a transfer this window did
 * not start (another window's) is added on its first update. */
export function apply(list: Transfer[], update: TransferUpdated): void {
  let t = list.find((x) => x.id === update.id);
  if (!t) {
    list.unshift(fresh(update.id, update.kind, update.profile, update.container, update.prefix, update.sources, update.existing));
    t = list[0];
  }
  t.snapshot = update.snapshot;
  const rows = fileRows.get(t.id) ?? [];
  fileRows.set(t.id, rows);
  for (const row of update.snapshot.newFiles) {
    rows.push(row);
    if (row.outcome.kind === "failed") t.failures.push([row.key, row.outcome.message]);
  }
  t.filesSeen = rows.length;
  t.skipped.push(...update.snapshot.skipped);
  if (update.snapshot.finished) {
    t.summary = update.snapshot.finished;
    t.paused = false;
    // The summary has every failure, also those before any file started.
    t.failures = [...update.snapshot.finished.failed];
  }
}

export async function startUpload(paths: string[], profile: string, container: string, prefix: string, existing: Existing) {
  const id = await commands.startUpload(profile, paths, container, prefix, existing);
  if (!transfers.list.some((t) => t.id === id)) transfers.list.unshift(fresh(id, "upload", profile, container, prefix, paths, existing));
  return id;
}

let listening = false;

/** Starts following transfer events (once per window). */
export function follow(onFinished: (t: Transfer) => void) {
  if (listening) return;
  listening = true;
  events.transferUpdated.listen((e) => {
    apply(transfers.list, e.payload);
    const t = transfers.list.find((x) => x.id === e.payload.id);
    if (t && e.payload.snapshot.finished) onFinished(t);
  });
}

/** Stops a running transfer; its unfinished multipart uploads are aborted. */
export async function cancelTransfer(t: Transfer) {
  await commands.cancelTransfer(t.id);
}

/** Pauses or resumes a running transfer. */
export async function setPaused(t: Transfer, paused: boolean) {
  await commands.pauseTransfer(t.id, paused);
  t.paused = paused;
}
