// The Jobs view's reading of job states: the phase timeline, badge tones,
// progress, and how often to poll.
import type { Job, State, SyncProgress, Workload } from "./ipc";

export type StepStatus = "done" | "current" | "upcoming" | "failed";

const JOB_PHASES = ["QUEUED", "INITIALIZING", "PENDING", "RUNNING", "FINALIZING", "DONE"];
const NOTEBOOK_PHASES = ["STARTING", "RUNNING", "STOPPING", "STOPPED"];
const FAILED = new Set(["FAILED", "ERROR", "SYNC_FAILED", "TIMEOUT"]);
const FINAL = new Set(["DONE", "INTERRUPTED", "FAILED", "ERROR", "SYNC_FAILED", "STOPPED"]);

/** What each phase means to the data, shown under the timeline. */
export const phaseHelp: Record<string, string> = {
  QUEUED: "Waiting for resources.",
  INITIALIZING: "Pulling the volumes from Object Storage.",
  STARTING: "Pulling the volumes from Object Storage.",
  PENDING: "Starting the container.",
  RUNNING: "Running. Read-write volumes can be pushed now with Sync now.",
  FINALIZING: "Pushing read-write volumes back to Object Storage.",
  STOPPING: "Pushing read-write volumes back to Object Storage.",
  INTERRUPTING: "Stopping; read-write volumes are pushed back next.",
};

export const isFinal = (state: State) => FINAL.has(state);

/** The phases of a job or notebook, and where `state` is among them. An
 * ending off the happy path (INTERRUPTED, FAILED...) replaces the last step. */
export function timeline(kind: Workload, state: State): { phase: string; status: StepStatus }[] {
  const phases = [...(kind === "job" ? JOB_PHASES : NOTEBOOK_PHASES)];
  const end = phases.length - 1;
  if (!phases.includes(state)) {
    if (state === "INTERRUPTING") phases.splice(phases.indexOf("FINALIZING"), 0, "INTERRUPTING");
    else phases[end] = state;
  }
  if (state === "INTERRUPTED") phases.splice(phases.indexOf("FINALIZING"), 0, "INTERRUPTING");
  const at = phases.indexOf(state);
  return phases.map((phase, i) => ({
    phase,
    status: i < at ? "done" : i > at ? "upcoming" : FAILED.has(state) ? "failed" : isFinal(state) ? "done" : "current",
  }));
}

export function tone(state: State): "ok" | "busy" | "bad" | "idle" {
  if (state === "DONE" || state === "STOPPED") return "ok";
  if (FAILED.has(state)) return "bad";
  if (state === "INTERRUPTED" || state === "QUEUED") return "idle";
  return "busy";
}

export function percent(p: SyncProgress): number {
  const total = p.total ?? 0;
  return total > 0 ? Math.min(100, ((p.processed ?? 0) / total) * 100) : p.state === "DONE" ? 100 : 0;
}

/** Poll again soon while something moves, back off after errors (to a minute). */
export function nextDelay(previous: number, ok: boolean, busy: boolean): number {
  if (!ok) return Math.min(60_000, Math.max(2_000, previous * 2));
  return busy ? 1_500 : 10_000;
}

export function jobTitle(job: Job): string {
  return job.spec.name || job.spec.image;
}
