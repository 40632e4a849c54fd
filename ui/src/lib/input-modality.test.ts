import { describe, expect, it } from "vitest";
import { trackNavigationKeys } from "./input-modality";

function key(key: string) {
  const event = new Event("keydown") as Event & { key: string };
  event.key = key;
  return event;
}

describe("the navigation-key state behind row focus rings", () => {
  it("is on after arrows and Tab, off after typing, Enter or a click", () => {
    const root = { dataset: {} as Record<string, string> } as unknown as HTMLElement;
    const target = new EventTarget();
    trackNavigationKeys(root, target);
    expect("navigating" in root.dataset).toBe(false);
    target.dispatchEvent(key("ArrowDown"));
    expect("navigating" in root.dataset).toBe(true);
    target.dispatchEvent(key("Enter"));
    expect("navigating" in root.dataset).toBe(false);
    target.dispatchEvent(key("Tab"));
    expect("navigating" in root.dataset).toBe(true);
    target.dispatchEvent(new Event("pointerdown"));
    expect("navigating" in root.dataset).toBe(false);
  });
});
