import { describe, expect, it } from "vitest";
import { changedSince, formatDuration, labelChanges, labelsText, mergeRuns, nextDelay, parseApiTime, percent, progressLabel, timeline, tone } from "./jobs";

const phases = (steps: { phase: string }[]) => steps.map((s) => s.phase);

describe("job timelines", () => {
  it("marks the phases before, at and after the current one", () => {
    const steps = timeline("job", "RUNNING");
    expect(phases(steps)).toEqual(["QUEUED", "INITIALIZING", "PENDING", "RUNNING", "FINALIZING", "DONE"]);
    expect(steps.map((s) => s.status)).toEqual(["done", "done", "done", "current", "upcoming", "upcoming"]);
  });

  it("shows an interruption and a failure where they happen", () => {
    expect(phases(timeline("job", "INTERRUPTED"))).toEqual([
      "QUEUED", "INITIALIZING", "PENDING", "RUNNING", "INTERRUPTING", "FINALIZING", "INTERRUPTED",
    ]);
    expect(timeline("job", "INTERRUPTED").at(-1)?.status).toBe("stopped");
    const failed = timeline("job", "SYNC_FAILED");
    expect(failed.at(-1)).toEqual({ phase: "SYNC_FAILED", status: "failed" });
    expect(timeline("notebook", "STOPPED").every((s) => s.status === "done")).toBe(true);
  });

  it("draws TIMEOUT as a warning on a run that goes on, not as a failure", () => {
    const steps = timeline("job", "TIMEOUT");
    expect(phases(steps)).toEqual(["QUEUED", "INITIALIZING", "PENDING", "RUNNING", "TIMEOUT", "FINALIZING", "INTERRUPTED"]);
    expect(steps[4].status).toBe("warning");
    expect(steps.slice(5).every((s) => s.status === "upcoming")).toBe(true);
    expect(tone("TIMEOUT")).toBe("warn");
  });

  it("follows the API's history, with its dates", () => {
    const history = [
      { state: "QUEUED", date: "2026-11-27T09:00:40Z" },
      { state: "INITIALIZING", date: "2026-11-27T09:00:41.5Z" },
      { state: "SYNC_FAILED", date: "2026-11-27T09:01:13.297780Z" },
    ] as const;
    const steps = timeline("job", "SYNC_FAILED", [...history]);
    expect(phases(steps)).toEqual(["QUEUED", "INITIALIZING", "SYNC_FAILED"]);
    expect(steps[1].date).toBe("2026-11-27T09:00:41.5Z");
    expect(steps[2].status).toBe("failed");
    const finalizing = timeline("job", "FINALIZING", [{ state: "RUNNING" }, { state: "INTERRUPTING" }, { state: "FINALIZING" }]);
    expect(finalizing.at(-1)).toEqual({ phase: "INTERRUPTED", status: "upcoming" });
  });

  it("tones, progress and polling", () => {
    expect(tone("DONE")).toBe("ok");
    expect(tone("FAILED")).toBe("bad");
    expect(tone("FINALIZING")).toBe("busy");
    expect(percent({ total: 4, processed: 1 })).toBe(25);
    expect(percent({ state: "DONE" })).toBe(100);
    expect(nextDelay(1_500, false, true)).toBe(3_000);
    expect(nextDelay(40_000, false, true)).toBe(60_000);
    expect(nextDelay(60_000, true, true)).toBe(1_500);
    expect(nextDelay(1_500, true, false)).toBe(10_000);
  });

  it("names a progress entry by its volume's mount path, else its container", () => {
    expect(progressLabel({ volumeStatus: { mountPath: "/workspace/out" }, info: "runs@GRA" })).toBe("/workspace/out");
    expect(progressLabel({ info: "runs@GRA" })).toBe("runs@GRA");
  });
});

describe("API timestamps", () => {
  it("reads 0 to 6 fractional digits, with Z or an offset", () => {
    const whole = Date.UTC(2021, 1, 23, 8, 45, 1);
    expect(parseApiTime("2021-02-23T08:45:01Z")).toBe(whole);
    expect(parseApiTime("2021-02-23T08:45:01.2Z")).toBe(whole + 200);
    expect(parseApiTime("2021-02-23T08:45:01.297780Z")).toBe(whole + 297);
    expect(parseApiTime("2021-02-23T08:45:01.297780+00:00")).toBe(whole + 297);
    expect(parseApiTime("2021-02-23T10:45:01+02:00")).toBe(whole);
    expect(parseApiTime("yesterday")).toBeNaN();
    expect(parseApiTime(null)).toBeNaN();
  });

  it("durations read as a person says them", () => {
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(723)).toBe("12 min 03 s");
    expect(formatDuration(7500)).toBe("2 h 05 min");
    expect(formatDuration(null)).toBe("—");
  });
});

describe("a job run again", () => {
  it("shows its last run's phases, not both runs'", () => {
    const run = ["QUEUED", "INITIALIZING", "PENDING", "RUNNING", "FINALIZING", "DONE"].map((state) => ({ state, date: null }));
    const steps = timeline("job", "RUNNING", [...run, ...run.slice(0, 4)]);
    expect(phases(steps)).toEqual(["QUEUED", "INITIALIZING", "PENDING", "RUNNING", "FINALIZING", "DONE"]);
    expect(steps[3].status).toBe("current");
  });
});

describe("labels and incremental refreshes", () => {
  const job = (id: string, labels: Record<string, string | null>, createdAt = "2026-12-06T10:00:00Z", updatedAt = createdAt) =>
    ({ id, createdAt, updatedAt, spec: { labels }, status: {} }) as unknown as import("./ipc").Job;

  it("edits labels as sets and removals, leaving the platform's alone", () => {
    const before = job("a", { team: "vision", stage: "tune", "ovh/owner": "x" });
    expect(labelsText(before)).toBe("team=vision\nstage=tune");
    expect(labelChanges(before, "team=nlp\n\n run = 2 ")).toEqual([
      { name: "team", value: "nlp" }, { name: "run", value: "2" }, { name: "stage", value: null },
    ]);
    expect(labelChanges(before, labelsText(before))).toEqual([]);
    expect(labelChanges(before, "solo")).toMatch(/not name=value/);
    expect(labelChanges(before, "ovh/x=1")).toMatch(/platform/);
  });

  it("merges what changed into what is known, newest first, and asks from the newest change", () => {
    const old = job("old", {}, "2026-12-06T09:00:00Z");
    const mid = job("mid", {}, "2026-12-06T10:00:00Z", "2026-12-06T10:05:00Z");
    const changed = { ...mid, status: { state: "DONE" } } as typeof mid;
    const fresh = job("new", {}, "2026-12-06T11:00:00Z");
    const merged = mergeRuns([mid, old], [changed, fresh]);
    expect(merged.map((j) => j.id)).toEqual(["new", "mid", "old"]);
    expect(merged[1].status?.state).toBe("DONE");
    expect(mergeRuns([mid, old], [fresh], true).map((j) => j.id)).toEqual(["old", "mid", "new"]);
    expect(changedSince([old, mid])).toBe(Date.parse("2026-12-06T10:05:00Z") / 1000 - 1);
    expect(changedSince([])).toBeNull();
  });
});
