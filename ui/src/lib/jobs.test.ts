import { describe, expect, it } from "vitest";
import { nextDelay, percent, timeline, tone } from "./jobs";

describe("job timelines", () => {
  it("marks the phases before, at and after the current one", () => {
    const steps = timeline("job", "RUNNING");
    expect(steps.map((s) => s.phase)).toEqual(["QUEUED", "INITIALIZING", "PENDING", "RUNNING", "FINALIZING", "DONE"]);
    expect(steps.map((s) => s.status)).toEqual(["done", "done", "done", "current", "upcoming", "upcoming"]);
  });

  it("shows an interruption and a failure where they happen", () => {
    expect(timeline("job", "INTERRUPTED").map((s) => s.phase)).toEqual([
      "QUEUED", "INITIALIZING", "PENDING", "RUNNING", "INTERRUPTING", "FINALIZING", "INTERRUPTED",
    ]);
    const failed = timeline("job", "SYNC_FAILED");
    expect(failed.at(-1)).toEqual({ phase: "SYNC_FAILED", status: "failed" });
    expect(timeline("notebook", "STOPPED").every((s) => s.status === "done")).toBe(true);
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
});
