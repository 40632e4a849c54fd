// What "the layout holds" means, measured in the page: no visible element's
// content spills out of its box, and no text is cut by a box that clips it,
// unless it ends in an ellipsis; nothing scrolls sideways (a view that needs
// a horizontal scrollbar does not fit); nothing lies outside the window where
// no scrolling reaches it (a box that scrolls but itself runs past the
// window's edge does not bring back what is past it); a dialog's buttons lie
// within the dialog; no column or cell is squeezed to a word per line; no
// select is narrower than the choice it shows; nothing is cut to an ellipsis
// beside room it could have taken.

/** Runs in the page; returns one line per problem. */
export const FIND_PROBLEMS = `
  const problems = [];
  const describe = (el) => {
    const id = el.dataset?.testid ? '[data-testid="' + el.dataset.testid + '"]' : "";
    const cls = typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    return el.tagName.toLowerCase() + id + cls + ' "' + (el.textContent || "").trim().slice(0, 40) + '"';
  };
  const scrolls = (s, axis) => ["auto", "scroll"].includes(axis === "x" ? s.overflowX : s.overflowY);
  const clips = (s, axis) => (axis === "x" ? s.overflowX : s.overflowY) !== "visible";
  const visible = (el) => {
    const s = getComputedStyle(el);
    if (s.visibility === "hidden" || s.display === "none" || Number(s.opacity) === 0) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  /** The nearest ancestor that scrolls \`el\` on \`axis\` (the page scrolls nowhere; nothing above a fixed box moves it). */
  const scroller = (el, axis) => {
    for (let n = el; n && n !== document.body; n = n.parentElement) {
      if (n !== el && scrolls(getComputedStyle(n), axis)) return n;
      if (getComputedStyle(n).position === "fixed") return null;
    }
    return null;
  };
  /** Whether scrolling can bring \`el\` into the window: its scroller is in the window, or can be brought there. */
  const reachable = (el, axis) => {
    const box = scroller(el, axis);
    return !!box && (inWindow(box) || reachable(box, axis));
  };
  /** Whether \`box\` lies within the window, so what scrolls inside it can be brought into view. */
  const inWindow = (box) => {
    const b = box.getBoundingClientRect();
    return b.top >= -1 && b.left >= -1 && b.bottom <= innerHeight + 1 && b.right <= innerWidth + 1;
  };
  const measure = document.createElement("canvas").getContext("2d");
  /** The width the text \`text\` takes in \`el\`'s font. */
  const textWidth = (el, text) => {
    const s = getComputedStyle(el);
    if (parseFloat(s.fontSize) === 0) return 0; // text hidden on purpose (a canvas refuses a 0px font)
    measure.font = s.fontWeight + " " + s.fontSize + " " + s.fontFamily;
    return measure.measureText(text).width;
  };
  const ownText = (el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== "");
  /** The nearest ancestor that clips \`el\` without scrolling, and the axis it clips on. */
  const clipper = (el, axis) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (scrolls(s, axis)) return null;
      if (clips(s, axis)) return p;
    }
    return null;
  };
  for (const el of document.querySelectorAll("body *")) {
    if (!visible(el) || el.closest("[aria-hidden=true], svg, option, .sr-only")) continue;
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    // Content wider than its box that neither scrolls, clips with an ellipsis, nor is a form control.
    const ellipsis = s.textOverflow === "ellipsis" && clips(s, "x");
    if (el.scrollWidth > el.clientWidth + 2 && el.clientWidth > 0 && !scrolls(s, "x") && !ellipsis
        && !["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName) && !clips(s, "x")) {
      problems.push("spills out sideways (" + el.scrollWidth + " > " + el.clientWidth + "px): " + describe(el));
    }
    if (el.scrollHeight > el.clientHeight + 2 && el.clientHeight > 0 && !scrolls(s, "y") && !clips(s, "y")
        && !["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName) && s.display !== "inline") {
      problems.push("spills out below (" + el.scrollHeight + " > " + el.clientHeight + "px): " + describe(el));
    }
    if (el.scrollWidth > el.clientWidth + 2 && scrolls(s, "x") && !el.closest("[data-scroll-x]")) {
      problems.push("scrolls sideways (" + el.scrollWidth + " > " + el.clientWidth + "px): " + describe(el));
    }
    // Words cut by a box that clips them, with no ellipsis to say so.
    if (ownText(el) && !ellipsis) {
      for (const axis of ["x", "y"]) {
        const box = clipper(el, axis);
        if (!box || getComputedStyle(box).textOverflow === "ellipsis") continue;
        const b = box.getBoundingClientRect();
        const cut = axis === "x" ? r.left < b.left - 2 || r.right > b.right + 2 : r.top < b.top - 2 || r.bottom > b.bottom + 2;
        if (cut) problems.push("cut off by " + describe(box).slice(0, 60) + ": " + describe(el));
      }
    }
    // Squeezed: text running down in a narrow column, a word or less per line.
    const lineHeight = parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.3;
    if (ownText(el) && r.width < 110 && r.height > lineHeight * 3.5 && (el.textContent || "").trim().length > 12) {
      problems.push("squeezed to " + Math.round(r.height / lineHeight) + " lines of " + Math.round(r.width) + "px: " + describe(el));
    }
    // Off the window where no scrolling brings it back (nothing may need sideways scrolling).
    const out = r.right > innerWidth + 1 || r.bottom > innerHeight + 1 || r.left < -1 || r.top < -1;
    const sideways = r.right > innerWidth + 1 || r.left < -1;
    if (out && (sideways || !reachable(el, "y"))) {
      problems.push("outside the window (" + Math.round(r.left) + "," + Math.round(r.top) + " " + Math.round(r.width) + "x" + Math.round(r.height) + "): " + describe(el));
    }
    // Cut to an ellipsis while the row it sits in has room to spare.
    if (ellipsis && el.scrollWidth > el.clientWidth + 1) {
      for (let row = el.parentElement, up = 0; row && up < 3; row = row.parentElement, up++) {
        const rs = getComputedStyle(row);
        if (rs.display !== "flex" || rs.flexDirection !== "row") continue;
        const used = [...row.children].reduce((sum, c) => sum + c.getBoundingClientRect().width, 0)
          + (parseFloat(rs.columnGap) || 0) * Math.max(0, row.children.length - 1);
        const room = row.clientWidth - parseFloat(rs.paddingLeft) - parseFloat(rs.paddingRight) - used;
        if (room > 40) {
          problems.push("cut to an ellipsis beside " + Math.round(room) + "px of room: " + describe(el));
          break;
        }
      }
    }
    // A dialog's buttons inside the dialog's own box, never under its edge.
    if (el.matches('[role="dialog"] .dialog-actions')) {
      const d = el.closest('[role="dialog"]').getBoundingClientRect();
      if (r.top < d.top - 1 || r.bottom > d.bottom + 1 || r.left < d.left - 1 || r.right > d.right + 1) {
        problems.push("a dialog's buttons cut off by its edge (" + Math.round(r.bottom - d.bottom) + "px below): " + describe(el));
      }
    }
    // A select narrower than the choice it shows (its arrow takes about 20px).
    if (el.tagName === "SELECT" && el.selectedIndex >= 0) {
      const shown = el.options[el.selectedIndex].text;
      const room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - 20;
      if (textWidth(el, shown) > room + 2) {
        problems.push("a select narrower than its choice (" + Math.round(room) + "px for " + Math.round(textWidth(el, shown)) + "px): " + describe(el));
      }
    }
    // A cell too narrow for its words: a letter or two per line.
    const cell = ["TD", "TH"].includes(el.tagName) || ["cell", "gridcell", "columnheader"].includes(el.getAttribute("role") || "");
    if (cell && (el.textContent || "").trim().length > 3 && r.width < 40 && !ellipsis) {
      problems.push("a column too narrow (" + Math.round(r.width) + "px): " + describe(el));
    }
  }
  return [...new Set(problems)];
`;

/** Resizes the window so the page is `width` x `height` (the outer window is a menu bar taller). */
export async function resize(session, width, height) {
  await session.cmd("POST", "/window/rect", { width, height });
  await new Promise((r) => setTimeout(r, 400));
}
