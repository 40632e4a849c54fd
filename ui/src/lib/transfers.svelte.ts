// Every transfer of this session, as the Transfers view and the sidebar show
// them; fed by the engine's TransferUpdated events.
import { commands, events, type Existing, type FilePage, type FileRow, type Snapshot, type Summary, type TransferKind, type TransferUpdated } from "./ipc";
import { counted, formatBytes, formatEta, formatRate } from "./format";

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
  /** Finished files so far: the length of its per-file list (see `FileList`). */
  filesSeen: number;
  /** When bytes last moved (or the transfer appeared), in ms. */
  movedAt: number;
  /** Continued at this start after a quit or crash interrupted it. */
  resumed: boolean;
}

/** Rows asked of the app at once for a per-file list. */
export const FILE_PAGE = 500;

/** A row of a per-file list that is still on its way. */
export interface PendingRow {
  key: string;
  pending: true;
}

/** The finished files of one transfer as its list shows them. The app keeps
 * every row (a transfer of a million files is a file there, not a million
 * rows here); the list asks for the pages that scroll into view, and shows
 * a pending row until one arrives. A page that was not full is asked again
 * once more files finished. */
export class FileList {
  #pages = new Map<number, FileRow[]>();
  #asking = new Set<number>();
  /** Bumped when a page arrives, so what shows the rows reads them again. */
  arrived = $state(0);

  constructor(private fetch: (offset: number, limit: number) => Promise<FilePage>) {}

  /** Rows `start` to `end` of `total`. */
  rows(start: number, end: number, total: number): (FileRow | PendingRow)[] {
    void this.arrived;
    end = Math.min(end, total);
    for (let p = Math.floor(start / FILE_PAGE); p * FILE_PAGE < end; p++) {
      const have = this.#pages.get(p)?.length ?? 0;
      if (have < Math.min(FILE_PAGE, total - p * FILE_PAGE) && !this.#asking.has(p)) this.#ask(p);
    }
    const out: (FileRow | PendingRow)[] = [];
    for (let i = start; i < end; i++) {
      out.push(this.#pages.get(Math.floor(i / FILE_PAGE))?.[i % FILE_PAGE] ?? { key: `\u0000${i}`, pending: true });
    }
    return out;
  }

  /** The list as a virtual list reads it: `total` rows, a slice at a time. */
  view(total: number) {
    return { length: total, slice: (start: number, end: number) => this.rows(start, end, total) };
  }

  #ask(page: number) {
    this.#asking.add(page);
    this.fetch(page * FILE_PAGE, FILE_PAGE)
      .then((got) => {
        this.#pages.set(page, got.rows);
        this.#asking.delete(page);
        this.arrived++;
      })
      // Asked again only when the list is opened anew: no loop against a failing app.
      .catch(() => {});
  }
}

/** The per-file list of transfer `id`. */
export function fileList(id: number): FileList {
  return new FileList((offset, limit) => commands.transferFiles(id, offset, limit));
}

function fresh(id: number, kind: TransferKind, profile: string, container: string, prefix: string, paths: string[], existing: Existing, resumed = false): Transfer {
  return { id, kind, profile, container, prefix, paths, existing, snapshot: null, failures: [], skipped: [], summary: null, paused: false, filesSeen: 0, movedAt: Date.now(), resumed };
}

export const transfers: { list: Transfer[] } = $state({ list: [] });

// Finished transfers outlive the window: the last HISTORY_KEEP are saved in
// the web view's storage and come back, finished, at the next start. Their
// ids are negative, so they never meet the ids of this run's transfers.
const HISTORY_KEY = "stowage.transfers.history";
const HISTORY_KEEP = 100;

/** The finished transfers of `list`, newest first, as saved (without their per-file rows). */
export function toHistory(list: Transfer[]): Transfer[] {
  return list
    .filter((t) => t.summary !== null)
    .slice(0, HISTORY_KEEP)
    .map((t) => ({ ...$state.snapshot(t), snapshot: t.snapshot && { ...$state.snapshot(t.snapshot), newFiles: [], skipped: [] }, filesSeen: 0, paused: false }));
}

/** Saved transfers as the list shows them, under ids of their own. */
export function fromHistory(saved: Transfer[]): Transfer[] {
  return saved.map((t, i) => ({ ...t, id: -(i + 1), filesSeen: 0, paused: false }));
}

function saveHistory(store: Pick<Storage, "setItem"> = localStorage) {
  try {
    store.setItem(HISTORY_KEY, JSON.stringify(toHistory(transfers.list)));
  } catch {
    // Full or unavailable storage: the history is a convenience, the transfers are done.
  }
}

/** Brings back the transfers of earlier runs (once, at start). */
export function loadHistory(store: Pick<Storage, "getItem"> = localStorage) {
  try {
    const saved = JSON.parse(store.getItem(HISTORY_KEY) ?? "[]") as Transfer[];
    transfers.list.push(...fromHistory(saved));
  } catch {
    // A history that does not parse is dropped, not shown half.
  }
}

/** Forgets every finished transfer, here, in the saved history and in the app (its per-file list). */
export function clearFinished() {
  // Earlier runs' transfers (negative ids, see fromHistory) have no list in the app.
  const cleared = transfers.list.filter((t) => t.summary !== null && t.id >= 0).map((t) => t.id);
  transfers.list = transfers.list.filter((t) => t.summary === null);
  saveHistory();
  // Best effort: a list not freed now is freed when the app quits.
  commands.forgetTransferFiles(cleared).catch(() => {});
}

export function stateOf(t: Transfer): TransferState {
  if (!t.summary) return "running";
  if (t.summary.cancelled) return "cancelled";
  return t.summary.failed.length > 0 ? "failed" : "done";
}

/** Folds one update into the list (newest first); a transfer this window did
 * not start (another window's) is added on its first update. */
export function apply(list: Transfer[], update: TransferUpdated, now = Date.now()): void {
  let t = list.find((x) => x.id === update.id);
  if (!t) {
    list.unshift(fresh(update.id, update.kind, update.profile, update.container, update.prefix, update.sources, update.existing, update.resumed));
    t = list[0];
  }
  if (update.snapshot.bytesDone > (t.snapshot?.bytesDone ?? 0)) t.movedAt = now;
  t.snapshot = update.snapshot;
  // The new rows of an update are its failures; the rest stays in the app (`FileList`).
  for (const row of update.snapshot.newFiles) {
    if (row.outcome.kind === "failed") t.failures.push([row.key, row.outcome.message]);
  }
  t.filesSeen = update.files;
  t.skipped.push(...update.snapshot.skipped);
  if (update.snapshot.finished) {
    t.summary = update.snapshot.finished;
    t.paused = false;
    // The summary has every failure, also those before any file started.
    t.failures = [...update.snapshot.finished.failed];
  }
}

/** No bytes for this long (and no retry said so sooner): the line says it waits for the server.
 * Bytes count as the connection takes them, so a transfer that moves updates several times a
 * second; with the window's one-second tick a stall is said 2.5 to 3.5 s after the last byte. */
export const STALL_MS = 2_500;

/** A failure of the whole transfer (no file named): it could not start. */
function wholeFailure(summary: Summary): string | null {
  const [first] = summary.failed;
  return summary.failed.length === 1 && first[0] === "" && summary.uploaded + summary.replaced + summary.downloaded === 0
    ? first[1]
    : null;
}

/** The badge: what the transfer is doing, or how it ended. */
export function stateLabel(t: Transfer): string {
  const state = stateOf(t);
  if (state === "running") return t.paused ? "Paused" : ({ upload: "Uploading", download: "Downloading", sync: "Syncing" } as const)[t.kind];
  if (state === "failed") return wholeFailure(t.summary!) !== null ? "Failed" : "Some files failed";
  return state === "cancelled" ? "Cancelled" : "Done";
}

/** What reached its destination, by kind. */
function outcome(s: Summary): string {
  const parts = [];
  if (s.uploaded) parts.push(`${s.uploaded} uploaded`);
  if (s.replaced) parts.push(`${s.replaced} replaced`);
  if (s.downloaded) parts.push(`${s.downloaded} downloaded`);
  if (s.deleted) parts.push(`${s.deleted} deleted`);
  if (s.identical) parts.push(`${s.identical} already there`);
  if (s.skippedExisting) parts.push(`${s.skippedExisting} skipped`);
  return parts.join(", ") || NOTHING;
}

const NOTHING = "nothing to move";

/** The line under a transfer: how far it is and at what pace, or how it ended. */
/** How full a transfer's bar is, 0 to 100: while it runs, the bytes sent;
 * once it ended short of done (cancelled, failed), the bytes that arrived,
 * so the bar agrees with its line. */
export function barPercent(t: Transfer): number {
  const s = t.snapshot;
  const total = s?.bytesTotal ?? 0;
  if (total <= 0) return t.summary && stateOf(t) === "done" ? 100 : 0;
  const summary = t.summary;
  const shown = summary && (summary.cancelled || summary.failed.length > 0)
    ? summary.uploadedBytes + summary.downloadedBytes
    : (s?.bytesDone ?? 0);
  return Math.min(100, (shown / total) * 100);
}

export function progressLine(t: Transfer, now: number): string {
  const s = t.snapshot;
  const summary = t.summary;
  if (summary) {
    const whole = wholeFailure(summary);
    if (whole !== null) return whole;
    if (summary.cancelled) {
      const arrived = summary.uploadedBytes + summary.downloadedBytes;
      const moved = summary.uploaded + summary.replaced + summary.downloaded;
      const stopped = summary.unfinished ? `; ${summary.unfinished} did not` : "";
      return `${moved} of ${counted(s?.filesTotal ?? moved, "file")} arrived (${formatBytes(arrived)})${stopped} · ${outcome(summary)}`;
    }
  }
  if (!s) return "Listing the files…";
  if (summary && summary.failed.length > 0) {
    // What arrived, not what was sent: a failed file's sent bytes are not there.
    const arrived = summary.uploadedBytes + summary.downloadedBytes;
    const moved = outcome(summary);
    return [
      `${s.filesDone} of ${counted(s.filesTotal, "file")} done`,
      `${summary.failed.length} failed`,
      ...(arrived > 0 ? [`${formatBytes(arrived)} arrived`] : []),
      ...(moved === NOTHING ? [] : [moved]),
    ].join(" · ");
  }
  const counts = `${s.filesDone} of ${counted(s.filesTotal, "file")} · ${formatBytes(s.bytesDone)} of ${formatBytes(s.bytesTotal)}`;
  if (summary) return `${counts} · ${outcome(summary)}`;
  if (t.paused) return `${counts} · paused`;
  if (s.retries > 0 || now - t.movedAt > STALL_MS) {
    return `${counts} · Waiting for the server${s.retries > 0 ? ` — retry ${s.retries}` : ""}`;
  }
  return `${counts} · ${formatRate(s.rate)} · ${formatEta(s.etaSeconds)} left`;
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
  loadHistory();
  events.transferUpdated.listen((e) => {
    apply(transfers.list, e.payload);
    const t = transfers.list.find((x) => x.id === e.payload.id);
    if (t && e.payload.snapshot.finished) {
      saveHistory();
      onFinished(t);
    }
  });
  // What ran before this window listened (uploads resumed at launch, a start in the background).
  commands.transfersSoFar().then((earlier) => {
    for (const update of earlier) if (!transfers.list.some((t) => t.id === update.id)) apply(transfers.list, update);
    saveHistory();
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
