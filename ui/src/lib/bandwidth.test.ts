import { describe, expect, it } from "vitest";
import { describeLimit, rateText } from "./bandwidth.svelte";

describe("bandwidth limits read back for people", () => {
  it("says each rate in binary units, as rclone counts them", () => {
    expect(rateText("10M")).toBe("10 MiB/s");
    expect(rateText("512k")).toBe("512 KiB/s");
    expect(rateText("1000B")).toBe("1000 B/s");
    expect(rateText("off")).toBe("no limit");
  });

  it("says a plain limit, an up:down pair and a timetable", () => {
    expect(describeLimit("off")).toBe("No limit");
    expect(describeLimit("5M")).toBe("5 MiB/s");
    expect(describeLimit("10M:1M")).toBe("↑ 10 MiB/s ↓ 1 MiB/s");
    expect(describeLimit("08:00,5M 19:00,off")).toBe("08:00 5 MiB/s · 19:00 no limit");
  });
});
