import { describe, expect, it } from "vitest";
import { breadcrumbs, nameIn, parentOf } from "./path";

describe("breadcrumbs", () => {
  it("has one crumb per folder", () => {
    expect(breadcrumbs("")).toEqual([]);
    expect(breadcrumbs("train/cats/")).toEqual([
      { label: "train", prefix: "train/" },
      { label: "cats", prefix: "train/cats/" },
    ]);
  });

  it("names empty segments", () => {
    expect(breadcrumbs("a//")).toEqual([
      { label: "a", prefix: "a/" },
      { label: "(empty name)", prefix: "a//" },
    ]);
  });
});

describe("nameIn", () => {
  it("strips the folder and the trailing slash", () => {
    expect(nameIn("train/", "train/cat 1.jpg")).toBe("cat 1.jpg");
    expect(nameIn("train/", "train/cats/")).toBe("cats");
    expect(nameIn("", "readme.md")).toBe("readme.md");
  });
});

describe("parentOf", () => {
  it("goes up one folder", () => {
    expect(parentOf("a/b/")).toBe("a/");
    expect(parentOf("a/")).toBe("");
    expect(parentOf("")).toBe("");
  });
});
