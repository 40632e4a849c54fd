import { describe, expect, it } from "vitest";
import { matchLines } from "./logs";

describe("log search", () => {
  const lines = ["step 1: loss 0.9", "Pushed /workspace/out (runs@GRA): 3 files", "STEP 2: Loss 0.7"];

  it("keeps every line whole when there is no query", () => {
    expect(matchLines(lines, "  ")).toEqual(lines.map((text) => [{ text, match: false }]));
  });

  it("keeps the lines that match, in any case, with each match marked", () => {
    const found = matchLines(lines, "loss");
    expect(found).toHaveLength(2);
    expect(found[1]).toEqual([
      { text: "STEP 2: ", match: false },
      { text: "Loss", match: true },
      { text: " 0.7", match: false },
    ]);
    expect(matchLines(["aaa"], "a").map((p) => p.map((x) => x.text).join(""))).toEqual(["aaa"]);
    expect(matchLines(lines, "nothing")).toEqual([]);
  });
});
