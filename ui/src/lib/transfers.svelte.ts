// Every transfer of this session, as the Transfers view and the sidebar show
// them; fed by the engine's TransferUpdated events.
import { commands, events, type Existing, type Snapshot, type Summary, type TransferKind, type TransferUpdated } from "./ipc";

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
    list.unshift({
      id: update.id, kind: update.kind, profile: update.profile, container: update.container, prefix: update.prefix,
      paths: update.sources, existing: update.existing, snapshot: null, failures: [], skipped: [], summary: null,
    });
    t = list[0];
  }
  t.snapshot = update.snapshot;
  t.failures.push(...update.snapshot.newFailures);
  t.skipped.push(...update.snapshot.skipped);
  if (update.snapshot.finished) {
    t.summary = update.snapshot.finished;
    // The summary has every failure, also those before any file started.
    t.failures = [...update.snapshot.finished.failed];
  }
}

export async function startUpload(paths: string[], profile: string, container: string, prefix: string, existing: Existing = "overwrite") {
  const id = await commands.startUpload(paths, container, prefix, existing);
  if (!transfers.list.some((t) => t.id === id)) {
    transfers.list.unshift({ id, kind: "upload", profile, container, prefix, paths, existing, snapshot: null, failures: [], skipped: [], summary: null });
  }
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
