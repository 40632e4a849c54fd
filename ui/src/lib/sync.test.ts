import { describe, expect, it } from "vitest";
import { blankTarget, describePair, fromSaved, parseGlobs, toSaved, type Target } from "./sync";

const target: Target = {
  ...blankTarget("ovh"), folder: "/runs/42", container: "runs", prefix: "42/", mode: "push", excludes: ["*.log"], backupPrefix: "trash/",
};

describe("sync form helpers", () => {
  it("reads one glob per line without blanks or comments", () => {
    expect(parseGlobs(" *.log \n\n# scratch\nwandb/\n")).toEqual(["*.log", "wandb/"]);
  });

  it("saves the whole target under a trimmed name, and reads it back", () => {
    const saved = toSaved(" nightly ", target);
    expect(saved.name).toBe("nightly");
    expect(fromSaved(saved)).toEqual(target);
  });

  it("fills what an older saved sync left out", () => {
    const back = fromSaved({ name: "old", folder: "/f", profile: "p", container: "c", mode: "pull" });
    expect(back).toEqual({ ...blankTarget("p"), folder: "/f", container: "c", mode: "pull" });
  });

  it("starts a new sync as a copy up, which deletes nothing", () => {
    expect(blankTarget("p")).toMatchObject({ mode: "copy", direction: "up" });
  });

  it("describes the direction files move", () => {
    expect(describePair(target)).toBe("/runs/42 → runs/42/");
    expect(describePair({ ...target, mode: "pull", direction: "up" })).toBe("/runs/42 ← runs/42/");
    expect(describePair({ ...target, mode: "copy", direction: "down" })).toBe("/runs/42 ← runs/42/");
  });
});
