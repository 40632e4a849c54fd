import { describe, expect, it } from "vitest";
import { emptyForm } from "./jobs";
import { draftFrom, draftText, findingsFor, moved, newVolume, volumeFromLocation } from "./volumes";

describe("volumes in the window", () => {
  it("mounts new volumes at free folders", () => {
    expect(newVolume("GRA", []).mountPath).toBe("/workspace/data");
    expect(newVolume("GRA", ["/workspace/data", "/workspace/data-2"]).mountPath).toBe("/workspace/data-3");
  });

  it("names the mount after the dropped folder", () => {
    const v = volumeFromLocation("S3GRA", "datasets", "imagenet/Train Set/", []);
    expect(v.source).toEqual({ kind: "dataStore", alias: "S3GRA", container: "datasets", prefix: "imagenet/Train Set/" });
    expect(v.mountPath).toBe("/workspace/train-set");
    expect(volumeFromLocation("S3GRA", "checkpoints", "", []).mountPath).toBe("/workspace/checkpoints");
  });

  it("reorders", () => {
    expect(moved(["a", "b", "c"], 0, 1)).toEqual(["b", "a", "c"]);
    expect(moved(["a", "b", "c"], 2, 0)).toEqual(["c", "a", "b"]);
    expect(moved(["a", "b", "c"], 2, 9)).toEqual(["a", "b", "c"]);
  });

  it("sorts a volume's findings by severity", () => {
    const f = (volume: number, severity: "error" | "hint" | "warning") => ({ volume, severity, field: "mountPath" as const, message: severity });
    expect(findingsFor([f(0, "hint"), f(1, "error"), f(0, "error"), f(0, "warning")], 0).map((x) => x.message)).toEqual(["error", "warning", "hint"]);
  });

  it("keeps a draft across a restart, without its environment variables", () => {
    const form = { ...emptyForm("job"), image: "ovhcom/ai-training-pytorch", env: "HF_TOKEN=hf_secret", volumes: [volumeFromLocation("GRA", "data", "set/", [])] };
    const text = draftText({ form, jobRegion: "GRA", setName: "imagenet" });
    expect(text).not.toContain("hf_secret");
    const back = draftFrom(text);
    expect(back).toEqual({ form: { ...form, env: "" }, jobRegion: "GRA", setName: "imagenet" });
  });

  it("starts empty from nothing saved or from something unreadable", () => {
    const empty = { form: emptyForm("job"), jobRegion: "", setName: "" };
    expect(draftFrom(null)).toEqual(empty);
    expect(draftFrom("{not json")).toEqual(empty);
    expect(draftFrom('{"form": {"image": "x"}}')).toEqual(empty);
  });
});
