import { describe, expect, it } from "vitest";
import { MAX_SPACE, rowsInView, scrollToReveal, viewport } from "./viewport";

describe("a virtual list's viewport", () => {
  it("scrolls a space as tall as the rows while they fit", () => {
    const view = viewport(1_000, 38, 400);
    expect(view).toEqual({ space: 38_000, scale: 1 });
    expect(rowsInView(view, 1_000, 38, 3_800, 400, 10)).toEqual({ start: 90, end: 121, top: 90 * 38 });
    expect(scrollToReveal(view, 200, 38, 3_800, 400)).toBe(200 * 38 + 38 - 400);
    expect(scrollToReveal(view, 50, 38, 3_800, 400)).toBe(50 * 38);
    expect(scrollToReveal(view, 105, 38, 3_800, 400)).toBeNull();
  });

  it("reaches the last of 1.28 million rows in a space the browser can lay out", () => {
    const rows = 1_281_167, height = 400;
    const view = viewport(rows, 38, height);
    expect(view.space).toBe(MAX_SPACE);
    expect(rows * 38).toBeGreaterThan(33_554_431); // WebKit's largest layout size
    // At the bottom of the space, the last row sits at the bottom of the view.
    const bottom = rowsInView(view, rows, 38, MAX_SPACE - height, height, 10);
    expect(bottom.end).toBe(rows);
    const lastTop = bottom.top + (rows - 1 - bottom.start) * 38;
    expect(lastTop + 38).toBeCloseTo(MAX_SPACE, 3);
    // At the top, the first.
    expect(rowsInView(view, rows, 38, 0, height, 10)).toEqual({ start: 0, end: 21, top: 0 });
    // Halfway down, the rows around the middle, drawn inside the view.
    const middle = rowsInView(view, rows, 38, (MAX_SPACE - height) / 2, height, 0);
    expect(Math.abs(middle.start - rows / 2)).toBeLessThan(20);
    expect(middle.top).toBeGreaterThan((MAX_SPACE - height) / 2 - 38);
    expect(middle.top).toBeLessThanOrEqual((MAX_SPACE - height) / 2);
  });

  it("reveals a far row (the keyboard's End) fully, rounding toward it", () => {
    const rows = 1_281_167, height = 400;
    const view = viewport(rows, 38, height);
    const at = scrollToReveal(view, rows - 1, 38, 0, height)!;
    const shown = rowsInView(view, rows, 38, at, height, 0);
    const rowTop = shown.top + (rows - 1 - shown.start) * 38 - at;
    expect(rowTop).toBeGreaterThanOrEqual(0);
    expect(rowTop + 38).toBeLessThanOrEqual(height);
    const back = scrollToReveal(view, 0, 38, at, height)!;
    expect(back).toBe(0);
    const middle = scrollToReveal(view, 640_000, 38, 0, height)!;
    const there = rowsInView(view, rows, 38, middle, height, 0);
    const middleTop = there.top + (640_000 - there.start) * 38 - middle;
    expect(middleTop).toBeGreaterThanOrEqual(0);
    expect(middleTop + 38).toBeLessThanOrEqual(height);
  });

  it("shows the last rows, never an empty window, for a position past the end of a shorter list", () => {
    // The folder before had 1,001 rows and was scrolled to its end; this one has 20.
    const view = viewport(20, 38, 400);
    const shown = rowsInView(view, 20, 38, 1_001 * 38 - 400, 400, 10);
    expect(shown.end).toBe(20);
    expect(shown.start).toBeLessThan(20);
    expect(rowsInView(view, 20, 38, -50, 400, 10).start).toBe(0);
  });
});
