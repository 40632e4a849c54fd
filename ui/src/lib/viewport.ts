// Which rows a virtual list shows for a scroll position. Browsers stop
// laying out an element at about 33.5 million pixels (WebKit's and
// Chrome's limit; Firefox's is near 17.9 million): 1.28 million rows of
// 38 px would be 48.7 million, and rows past the limit could never be
// reached. Past `MAX_SPACE` the scrollable space stays that tall and a
// scroll position stands for a proportional place in the rows.

export const MAX_SPACE = 8_000_000;

export interface Viewport {
  /** Height of the scrollable space, px. */
  space: number;
  /** Rows of content per pixel of scrolling (1 until the rows pass `MAX_SPACE`). */
  scale: number;
}

export function viewport(rows: number, rowHeight: number, height: number): Viewport {
  const total = rows * rowHeight;
  if (total <= MAX_SPACE) return { space: total, scale: 1 };
  return { space: MAX_SPACE, scale: (total - height) / (MAX_SPACE - height) };
}

/** The rows to render around `scrollTop` (`overscan` more each side) and where in the space the first of them goes. */
export function rowsInView(view: Viewport, rows: number, rowHeight: number, scrollTop: number, height: number, overscan: number) {
  // A position past the end (a longer list's, kept until the browser clamps
  // it, which may come with no scroll event) shows the last rows, as the
  // browser will: never an empty window over rows that exist.
  scrollTop = Math.min(Math.max(0, scrollTop), Math.max(0, view.space - height));
  const contentTop = scrollTop * view.scale;
  const start = Math.max(0, Math.floor(contentTop / rowHeight) - overscan);
  const end = Math.min(rows, Math.ceil((contentTop + height) / rowHeight) + overscan);
  return { start, end, top: scrollTop + start * rowHeight - contentTop };
}

/** The scroll position that brings `row` fully into view, or null when it is. */
export function scrollToReveal(view: Viewport, row: number, rowHeight: number, scrollTop: number, height: number): number | null {
  const contentTop = scrollTop * view.scale;
  const top = row * rowHeight;
  // Rounded toward the row, so a scaled position does not leave it cut at the edge.
  if (top < contentTop) return Math.floor(top / view.scale);
  if (top + rowHeight > contentTop + height) return Math.ceil((top + rowHeight - height) / view.scale);
  return null;
}
