import { describe, expect, it } from "vitest";
import { LINK_LIFETIMES, classBadge } from "./classes";

describe("storage classes and link lifetimes", () => {
  it("badges every class but the default", () => {
    expect(classBadge("STANDARD")).toBeNull();
    expect(classBadge(null)).toBeNull();
    expect(classBadge("STANDARD_IA")).toBe("IA");
    expect(classBadge("EXPRESS_ONEZONE")).toBe("High Perf.");
    expect(classBadge("SOMETHING_NEW")).toBe("SOMETHING_NEW");
  });

  it("offers lifetimes from an hour to S3's seven days", () => {
    expect(LINK_LIFETIMES[0].secs).toBe(3600);
    expect(LINK_LIFETIMES.at(-1)?.secs).toBe(7 * 24 * 3600);
  });
});
