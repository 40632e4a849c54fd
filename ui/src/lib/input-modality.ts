// A list row shows its focus ring while the keyboard moves through the list,
// not after a click or after the app moved focus (the container just created,
// the row under the cursor once a dialog closes). WebKit's :focus-visible
// shows a ring after any key, the Enter that closed a dialog included, so the
// rule is ours: the ring follows the last input being a navigation key.
const NAVIGATION_KEYS = new Set(["Tab", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"]);

/** Keeps `root.dataset.navigating` set while the last input was a navigation key. */
export function trackNavigationKeys(root: HTMLElement, target: EventTarget = window) {
  target.addEventListener("keydown", (event) => {
    if (NAVIGATION_KEYS.has((event as KeyboardEvent).key)) root.dataset.navigating = "";
    else delete root.dataset.navigating;
  }, { capture: true });
  target.addEventListener("pointerdown", () => delete root.dataset.navigating, { capture: true });
}
