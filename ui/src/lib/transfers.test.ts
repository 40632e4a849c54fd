import { describe, expect, it } from "vitest";
import type { Snapshot, Summary } from "./ipc";
import { apply, rowsOf, stateOf, type Transfer } from "./transfers.svelte";

const snapshot = (over: Partial<Snapshot> = {}): Snapshot => ({
  filesTotal: 2, filesDone: 1, bytesTotal: 10, bytesDone: 5, rate: 1, etaSeconds: 5,
  newFiles: [], skipped: [], finished: null, ...over,
});
const summary = (over: Partial<Summary> = {}): Summary => ({
  uploaded: 2, replaced: 0, uploadedBytes: 10, downloaded: 0, downloadedBytes: 0, deleted: 0, identical: 0, skippedExisting: 0, failed: [], skippedPaths: [], cancelled: false, ...over,
});

const update = (id: number, over: Partial<Snapshot> = {}) => ({
  id, kind: "upload" as const, profile: "p", container: "c", prefix: "", sources: ["/a"], existing: "overwrite" as const, snapshot: snapshot(over),
});

function transfer(): Transfer {
  return { id: 7, kind: "upload", profile: "p", container: "c", prefix: "", paths: ["/a"], existing: "overwrite", snapshot: null, failures: [], skipped: [], summary: null, paused: false, filesSeen: 0 };
}

describe("transfers", () => {
  it("accumulates failures and finishes", () => {
    const list = [transfer()];
    const failed = (key: string, message: string) => ({ key, size: 1, outcome: { kind: "failed" as const, message } });
    apply(list, update(7, { newFiles: [failed("k1", "boom"), { key: "ok", size: 3, outcome: { kind: "uploaded", key: "ok", etag: null } }] }));
    expect(stateOf(list[0])).toBe("running");
    expect(list[0].failures).toEqual([["k1", "boom"]]);
    apply(list, update(7, { newFiles: [failed("k2", "bang")], finished: summary({ failed: [["k1", "boom"], ["k2", "bang"]] }) }));
    expect(list[0].failures).toEqual([["k1", "boom"], ["k2", "bang"]]);
    expect(rowsOf(list[0]).map((r) => r.key)).toEqual(["k1", "ok", "k2"]);
    expect(stateOf(list[0])).toBe("failed");
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
});
