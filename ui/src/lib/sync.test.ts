import { describe, expect, it } from "vitest";
import { describePair, fromSaved, parseGlobs, toSaved } from "./sync";
import type { SyncSetup } from "./ipc";

const setup: SyncSetup = {
  profile: "ovh", folder: "/runs/42", container: "runs", prefix: "42/", mode: "push", direction: "up",
  compare: "sizeAndTime", includes: [], excludes: ["*.log"], backupPrefix: "trash/", allowManyDeletes: true,
};

describe("sync form helpers", () => {
  it("reads one glob per line without blanks or comments", () => {
    expect(parseGlobs(" *.log \n\n# scratch\nwandb/\n")).toEqual(["*.log", "wandb/"]);
  });

  it("saves a pair without the one-off choices", () => {
    const saved = toSaved(" nightly ", setup);
    expect(saved.name).toBe("nightly");
    expect(saved).not.toHaveProperty("backupPrefix");
    const back = fromSaved(saved);
    expect(back.allowManyDeletes).toBe(false);
    expect(back.excludes).toEqual(["*.log"]);
  });

  it("describes the direction files move", () => {
    expect(describePair(setup)).toBe("/runs/42 → runs/42/");
    expect(describePair({ ...setup, mode: "pull", direction: "down" })).toBe("runs/42/ → /runs/42");
    expect(describePair({ ...setup, mode: "copy", direction: "down" })).toBe("runs/42/ → /runs/42");
  });
});
