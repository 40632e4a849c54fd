// What is being composed for a job or notebook, kept while the user browses
// other views and across a quit: the launch form (its volumes, fed by drops
// from the storage browser, and the image, flavor, variables and command a
// pasted ovhai command or the launch dialog fill in).
import { draftFrom, draftText } from "./volumes";

const DRAFT_KEY = "stowage.composer";

export const composer = $state(draftFrom(localStorage.getItem(DRAFT_KEY)));

// Saved on every change, so a quit, a crash or a restart finds it as it was.
$effect.root(() => {
  $effect(() => localStorage.setItem(DRAFT_KEY, draftText($state.snapshot(composer))));
});
