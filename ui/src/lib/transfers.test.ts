import { describe, expect, it } from "vitest";
import type { Snapshot, Summary } from "./ipc";
import { apply, barPercent, FILE_PAGE, FileList, fromHistory, progressLine, toHistory, STALL_MS, stateLabel, stateOf, type Transfer } from "./transfers.svelte";

const snapshot = (over: Partial<Snapshot> = {}): Snapshot => ({
  filesTotal: 2, filesDone: 1, bytesTotal: 10, bytesDone: 5, rate: 1, etaSeconds: 5, retries: 0,
  newFiles: [], skipped: [], finished: null, ...over,
});
const summary = (over: Partial<Summary> = {}): Summary => ({
  uploaded: 2, replaced: 0, uploadedBytes: 10, downloaded: 0, downloadedBytes: 0, deleted: 0, identical: 0, skippedExisting: 0, failed: [], skippedPaths: [], cancelled: false, unfinished: 0, ...over,
});

const update = (id: number, over: Partial<Snapshot> = {}, files = 0) => ({
  id, kind: "upload" as const, profile: "p", container: "c", prefix: "", sources: ["/a"], existing: "overwrite" as const, resumed: false, files, snapshot: snapshot(over),
});

function transfer(): Transfer {
  return { id: 7, kind: "upload", profile: "p", container: "c", prefix: "", paths: ["/a"], existing: "overwrite", snapshot: null, failures: [], skipped: [], summary: null, paused: false, filesSeen: 0, movedAt: 0, resumed: false };
}

describe("transfers", () => {
  it("accumulates failures and finishes", () => {
    const list = [transfer()];
    const failed = (key: string, message: string) => ({ key, size: 1, outcome: { kind: "failed" as const, message } });
    apply(list, update(7, { newFiles: [failed("k1", "boom")] }, 2));
    expect(stateOf(list[0])).toBe("running");
    expect(list[0].failures).toEqual([["k1", "boom"]]);
    expect(list[0].filesSeen).toBe(2);
    apply(list, update(7, { newFiles: [failed("k2", "bang")], finished: summary({ failed: [["k1", "boom"], ["k2", "bang"]] }) }, 3));
    expect(list[0].failures).toEqual([["k1", "boom"], ["k2", "bang"]]);
    expect(list[0].filesSeen).toBe(3);
    expect(stateOf(list[0])).toBe("failed");
  });

  it("asks for the pages of a file list that come into view, once each, and again when a page was not full", async () => {
    const asked: number[] = [];
    const made = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, size: 1, outcome: { kind: "uploaded" as const, key: `k${from + i}`, etag: null } }));
    let total = 1_281_167;
    const list = new FileList(async (offset, limit) => {
      asked.push(offset);
      return { rows: made(offset, Math.min(limit, total - offset)), total };
    });
    const view = list.view(total);
    expect(view.length).toBe(total);
    const first = view.slice(FILE_PAGE - 5, FILE_PAGE + 5);
    expect(first.every((r) => "pending" in r)).toBe(true);
    view.slice(FILE_PAGE - 5, FILE_PAGE + 5);
    expect(asked, "two pages, each asked once").toEqual([0, FILE_PAGE]);
    await Promise.resolve();
    await Promise.resolve();
    expect(list.arrived).toBe(2);
    expect(view.slice(FILE_PAGE - 1, FILE_PAGE + 1).map((r) => r.key)).toEqual([`k${FILE_PAGE - 1}`, `k${FILE_PAGE}`]);
    expect(asked, "pages that arrived are not asked again").toHaveLength(2);

    // A running transfer: its last page fills as more files finish.
    total = 3;
    const small = new FileList(async (offset, limit) => {
      asked.push(offset);
      return { rows: made(offset, Math.min(limit, total - offset)), total };
    });
    asked.length = 0;
    small.view(3).slice(0, 3);
    await Promise.resolve();
    await Promise.resolve();
    expect(small.view(3).slice(0, 3).map((r) => r.key)).toEqual(["k0", "k1", "k2"]);
    total = 10;
    small.view(10).slice(0, 10);
    expect(asked, "asked again for the rows that came since").toEqual([0, 0]);
  });

  it("tells done from cancelled", () => {
    const t = transfer();
    t.summary = summary();
    expect(stateOf(t)).toBe("done");
    t.summary = summary({ cancelled: true });
    expect(stateOf(t)).toBe("cancelled");
  });

  it("adds transfers another window started", () => {
    const list = [transfer()];
    apply(list, { ...update(99), sources: ["/x/y"] });
    expect(list.map((t) => t.id)).toEqual([99, 7]);
    expect(list[0].paths).toEqual(["/x/y"]);
  });

  it("says it waits for the server when nothing moves, and shows no pace while paused", () => {
    const list = [transfer()];
    apply(list, update(7, { bytesDone: 5, rate: 2_000_000, etaSeconds: 12 }), 1_000);
    const t = list[0];
    expect(progressLine(t, 2_000)).toMatch(/1\.9 MB\/s · 12 s left$/);
    expect(progressLine(t, 1_000 + STALL_MS + 1)).toMatch(/Waiting for the server$/);
    // Said within 3 s of the last byte, with the window's 1 s tick.
    expect(STALL_MS + 1_000).toBeLessThanOrEqual(3_500);
    expect(progressLine(t, 1_000 + 3_000)).toMatch(/Waiting for the server$/);
    apply(list, update(7, { bytesDone: 5, rate: 0, etaSeconds: null, retries: 3 }), 2_000);
    expect(progressLine(t, 2_500)).toMatch(/Waiting for the server — retry 3$/);
    apply(list, update(7, { bytesDone: 6 }), 3_000);
    expect(progressLine(t, 3_500)).toMatch(/left$/);
    t.paused = true;
    expect(stateLabel(t)).toBe("Paused");
    expect(progressLine(t, 3_500)).toMatch(/paused$/);
    expect(progressLine(t, 3_500)).not.toMatch(/left|\/s/);
  });

  it("says what a cancelled transfer delivered and what it did not", () => {
    const t = transfer();
    t.snapshot = snapshot({ filesTotal: 205, filesDone: 120, bytesTotal: 1_500, bytesDone: 1_500 });
    t.summary = summary({ uploaded: 120, uploadedBytes: 900, cancelled: true, unfinished: 85 });
    expect(stateLabel(t)).toBe("Cancelled");
    expect(progressLine(t, 0)).toBe("120 of 205 files arrived (900 B); 85 did not · 120 uploaded");
  });

  it("says what arrived when files failed, not the bytes sent for them", () => {
    const t = transfer();
    // The upload: every part went, the completion was refused.
    t.snapshot = snapshot({ filesTotal: 1, filesDone: 0, bytesTotal: 200_000_000, bytesDone: 200_000_000 });
    t.summary = summary({ uploaded: 0, uploadedBytes: 0, failed: [["big.bin", "refused"]] });
    expect(stateLabel(t)).toBe("Some files failed");
    expect(progressLine(t, 0)).toBe("0 of 1 file done · 1 failed");
    t.snapshot = snapshot({ filesTotal: 3, filesDone: 2, bytesTotal: 3_000, bytesDone: 3_000 });
    t.summary = summary({ uploaded: 2, uploadedBytes: 2_048, failed: [["c.bin", "refused"]] });
    expect(progressLine(t, 0)).toBe("2 of 3 files done · 1 failed · 2.0 KB arrived · 2 uploaded");
  });

  it("says Failed with the reason when the whole transfer could not start", () => {
    const t = transfer();
    t.snapshot = snapshot({ filesTotal: 0, filesDone: 0, bytesTotal: 0, bytesDone: 0 });
    t.summary = summary({ uploaded: 0, uploadedBytes: 0, failed: [["", "The container \"gone\" does not exist."]] });
    expect(stateLabel(t)).toBe("Failed");
    expect(progressLine(t, 0)).toBe("The container \"gone\" does not exist.");
    t.summary = summary({ failed: [["a.bin", "boom"]] });
    expect(stateLabel(t)).toBe("Some files failed");
  });

  it("saves finished transfers without their rows and brings them back under ids of their own", () => {
    const list = [transfer(), { ...transfer(), id: 8 }];
    apply(list, update(7, { newFiles: [{ key: "a", size: 1, outcome: { kind: "uploaded", key: "a", etag: null } }], finished: summary() }));
    const saved = JSON.parse(JSON.stringify(toHistory(list)));
    expect(saved.map((t: Transfer) => t.id)).toEqual([7]); // the running one is not history
    expect(saved[0].snapshot.newFiles).toEqual([]);
    const back = fromHistory(saved);
    expect(back.map((t) => t.id)).toEqual([-1]);
    expect(stateOf(back[0])).toBe("done");
    expect(progressLine(back[0], 0)).toMatch(/2 uploaded$/);
  });

  it("fills the bar with what arrived once a transfer stopped short", () => {
    const running = { ...transfer(), snapshot: snapshot({ bytesTotal: 100, bytesDone: 4 }) };
    expect(barPercent(running)).toBe(4);
    const cancelled = { ...running, summary: summary({ uploaded: 0, uploadedBytes: 0, cancelled: true }) };
    expect(barPercent(cancelled)).toBe(0);
    const failed = { ...running, summary: summary({ uploadedBytes: 50, failed: [["k", "boom"]] }) };
    expect(barPercent(failed)).toBe(50);
    const done = { ...running, snapshot: snapshot({ bytesTotal: 100, bytesDone: 100 }), summary: summary() };
    expect(barPercent(done)).toBe(100);
    const empty = { ...transfer(), snapshot: snapshot({ bytesTotal: 0, bytesDone: 0 }), summary: summary({ uploaded: 1 }) };
    expect(barPercent(empty)).toBe(100);
  });
});
