// The Jobs view's reading of job states: the phase timeline, badge tones,
// progress, timestamps and durations, and how often to poll.
import { area, type ApiVolume, type Job, type LaunchForm, type State, type StateChange, type SyncProgress, type Workload } from "./ipc";

/** What the Jobs view, the launch dialog and the log pane ask of the app. */
export const jobCommands = area(
  "trainingSettings", "saveTrainingSettings", "previewJob", "listJobs", "getJob", "openJobUrl", "startJob", "stopJob",
  "deleteJob", "labelJob", "quotaWarning", "syncJobData", "launchOptions", "launchJob", "followJobLogs",
  "stopFollowingLogs", "profileForAlias",
);

export type StepStatus = "done" | "current" | "upcoming" | "failed" | "warning" | "stopped";
export type Step = { phase: string; status: StepStatus; date?: string | null };

const JOB_PHASES = ["QUEUED", "INITIALIZING", "PENDING", "RUNNING", "FINALIZING", "DONE"];
const NOTEBOOK_PHASES = ["STARTING", "RUNNING", "STOPPING", "STOPPED"];
const FAILED = new Set(["FAILED", "ERROR", "SYNC_FAILED"]);
/** Still running, about to stop: worth a look, not a failure. */
const WARNING = new Set(["TIMEOUT", "INTERRUPTING"]);
const FINAL = new Set(["DONE", "INTERRUPTED", "FAILED", "ERROR", "SYNC_FAILED", "STOPPED"]);

/** What each phase means to the data, shown under the timeline. */
export const phaseHelp: Record<string, string> = {
  QUEUED: "Waiting for resources.",
  INITIALIZING: "Pulling the volumes from Object Storage.",
  STARTING: "Pulling the volumes from Object Storage.",
  PENDING: "Starting the container.",
  RUNNING: "Read-write volumes can be pushed to Object Storage now with Sync now.",
  TIMEOUT: "The job reached its timeout: it is about to be interrupted, and its read-write volumes pushed back.",
  FINALIZING: "Pushing read-write volumes back to Object Storage.",
  STOPPING: "Pushing read-write volumes back to Object Storage.",
  INTERRUPTING: "Stopping; read-write volumes are pushed back next.",
};

export const isFinal = (state: State) => FINAL.has(state);

function statusOf(state: string): StepStatus {
  if (FAILED.has(state)) return "failed";
  if (WARNING.has(state)) return "warning";
  if (state === "INTERRUPTED") return "stopped";
  return isFinal(state) ? "done" : "current";
}

/** Where a run has been when the API gives no history (notebooks have
 * none): the usual path to `state`. */
function assumedPath(happy: string[], state: string): string[] {
  const at = happy.indexOf(state);
  if (at >= 0) return happy.slice(0, at);
  const untilRunning = happy.slice(0, happy.indexOf("RUNNING") + 1);
  if (WARNING.has(state)) return untilRunning;
  if (state === "INTERRUPTED") return [...untilRunning, "INTERRUPTING", "FINALIZING"];
  return happy.slice(0, -1);
}

/** The phases of a job or notebook: where its last run has been (from its
 * history, with dates, when the API gives one; a job run again starts over
 * at QUEUED) and what normally follows. */
export function timeline(kind: Workload, state: State, history: StateChange[] = []): Step[] {
  const happy = kind === "job" ? JOB_PHASES : NOTEBOOK_PHASES;
  const visited: Step[] = [];
  const lastRun = kind === "job" ? Math.max(0, history.map((c) => c.state).lastIndexOf("QUEUED")) : 0;
  for (const change of history.slice(lastRun)) {
    const phase = change.state ?? "";
    if (phase && visited.at(-1)?.phase !== phase) visited.push({ phase, status: "done", date: change.date });
  }
  if (visited.length === 0) visited.push(...assumedPath(happy, state).map((phase) => ({ phase, status: "done" as StepStatus })));
  if (visited.at(-1)?.phase !== state) visited.push({ phase: state, status: "done" });
  visited[visited.length - 1].status = statusOf(state);
  if (isFinal(state)) return visited;
  // An interrupted run ends INTERRUPTED, not DONE.
  const stopping = WARNING.has(state) || visited.some((s) => WARNING.has(s.phase));
  const rest = WARNING.has(state) ? ["FINALIZING", "DONE"] : happy.includes(state) ? happy.slice(happy.indexOf(state) + 1) : [];
  const after = rest.map((phase) => (stopping && phase === "DONE" ? "INTERRUPTED" : phase));
  return [...visited, ...after.map((phase) => ({ phase, status: "upcoming" as StepStatus }))];
}

export function tone(state: State): "ok" | "busy" | "bad" | "warn" | "idle" {
  if (state === "DONE" || state === "STOPPED") return "ok";
  if (FAILED.has(state)) return "bad";
  if (WARNING.has(state)) return "warn";
  if (state === "INTERRUPTED" || state === "QUEUED") return "idle";
  return "busy";
}

export function percent(p: SyncProgress): number {
  const total = p.total ?? 0;
  return total > 0 ? Math.min(100, ((p.processed ?? 0) / total) * 100) : p.state === "DONE" ? 100 : 0;
}

/** The mount path a data sync's progress entry is about, or its `container@ALIAS`. */
export function progressLabel(p: SyncProgress): string {
  return p.volumeStatus?.mountPath || p.jobVolume?.mountPath || p.notebookVolume?.mountPath || p.info || p.id || "";
}

/** Poll again soon while something moves, back off after errors (to a minute). */
export function nextDelay(previous: number, ok: boolean, busy: boolean): number {
  if (!ok) return Math.min(60_000, Math.max(2_000, previous * 2));
  return busy ? 1_500 : 10_000;
}

export function jobTitle(job: Job): string {
  return job.spec?.name || runsWhat(job);
}

/** A job's image, or a notebook's framework and editor. */
export function runsWhat(job: Job): string {
  const env = job.spec?.env;
  if (job.spec?.image) return job.spec.image;
  return env ? `${env.frameworkId ?? "?"} ${env.frameworkVersion ?? ""} · ${env.editorId ?? "?"}`.replace("  ", " ") : "";
}

/** An API timestamp (0 to 6 fractional digits, `Z` or an offset) in ms; NaN when it is not one. */
export function parseApiTime(stamp: string | null | undefined): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)?$/.exec(stamp ?? "");
  if (!m) return NaN;
  const millis = (m[2] ?? "").padEnd(3, "0").slice(0, 3);
  return Date.parse(`${m[1]}.${millis}${m[3] ?? "Z"}`);
}

/** Seconds as "45 s", "12 min 03 s", "2 h 05 min". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || seconds < 0) return "—";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

export const writable = (v: ApiVolume) => v.permission === "RW" || v.permission === "RWD";

/** An empty launch form of either kind. */
export function emptyForm(kind: Workload): LaunchForm {
  return {
    kind, name: "", image: "", command: "", editor: "", framework: "", frameworkVersion: "", flavor: "", gpu: null, cpu: null,
    env: "", volumes: [], labels: "", sshPublicKeys: "", timeout: null, defaultHttpPort: null, unsecureHttp: false,
  };
}

/** A run's labels as the editor shows them: `name=value` per line, the platform's `ovh/` ones left out. */
export function labelsText(job: Job): string {
  return Object.entries(job.spec?.labels ?? {})
    .filter(([name]) => !name.startsWith("ovh/"))
    .map(([name, value]) => `${name}=${value ?? ""}`)
    .join("\n");
}

/** What to send to turn `before`'s labels into the edited text's: sets, then removals (value null). */
export function labelChanges(before: Job, text: string): { name: string; value: string | null }[] | string {
  const wanted = new Map<string, string>();
  for (const line of text.split("\n").map((l) => l.trim()).filter(Boolean)) {
    const at = line.indexOf("=");
    if (at <= 0) return `"${line}" is not name=value.`;
    const name = line.slice(0, at).trim();
    if (name.startsWith("ovh/")) return `Labels that start with ovh/ belong to the platform.`;
    wanted.set(name, line.slice(at + 1).trim());
  }
  const had = Object.entries(before.spec?.labels ?? {}).filter(([name]) => !name.startsWith("ovh/"));
  const sets = [...wanted].filter(([name, value]) => (before.spec?.labels ?? {})[name] !== value).map(([name, value]) => ({ name, value }));
  const removals = had.filter(([name]) => !wanted.has(name)).map(([name]) => ({ name, value: null }));
  return [...sets, ...removals];
}

/** Incremental refresh: `fresh` (runs changed since) merged into `known`,
 * newest first (or oldest first, as the list was asked). */
export function mergeRuns(known: Job[], fresh: Job[], oldestFirst = false): Job[] {
  const byId = new Map(known.map((j) => [j.id, j]));
  for (const j of fresh) byId.set(j.id, j);
  const created = (j: Job) => parseApiTime(j.createdAt) || 0;
  return [...byId.values()].sort((a, b) => (oldestFirst ? created(a) - created(b) : created(b) - created(a)));
}

/** Unix seconds just before the newest change `jobs` show: what a refresh asks about. */
export function changedSince(jobs: Job[]): number | null {
  const newest = Math.max(...jobs.map((j) => parseApiTime(j.updatedAt)).filter((t) => !Number.isNaN(t)));
  return Number.isFinite(newest) ? Math.floor(newest / 1000) - 1 : null;
}
