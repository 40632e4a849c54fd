// Uploads that meet a different object of the same name ask here before
// replacing it. Questions arrive as ConflictAsked events (and, for a window
// opened late, from openQuestions); the first one is shown, answered with
// answerConflict. A choice "for the rest of this session" becomes the policy
// of later uploads, so they do not ask at all.
import { area, commands, events, type Answer, type ConflictAsked, type Existing } from "./ipc";

/** The setting of what uploads from the window do with a name that is taken. */
export const uploadCommands = area("uploadExisting", "setUploadExisting");

export const questions: { open: ConflictAsked[]; session: Existing | null } = $state({ open: [], session: null });

/** The policy a new upload from this window starts with. */
export async function uploadPolicy(): Promise<Existing> {
  return questions.session ?? (await commands.uploadExisting());
}

/** Adds `asked` unless its transfer already has an open question (one at a time per transfer). */
export function receive(open: ConflictAsked[], asked: ConflictAsked): void {
  const at = open.findIndex((q) => q.id === asked.id);
  if (at >= 0) open[at] = asked;
  else open.push(asked);
}

/** Sends the answer to the first open question; `forSession` also sets the policy of later uploads. */
export async function answer(asked: ConflictAsked, reply: Answer, forSession: boolean) {
  questions.open = questions.open.filter((q) => q.id !== asked.id);
  if (forSession) questions.session = reply.choice;
  await commands.answerConflict(asked.id, reply);
}

/** Forgets the question of a transfer that ended (cancelled while asking). */
export function ended(id: number) {
  questions.open = questions.open.filter((q) => q.id !== id);
}

let listening = false;

export async function followQuestions() {
  if (listening) return;
  listening = true;
  events.conflictAsked.listen((e) => receive(questions.open, e.payload));
  events.transferUpdated.listen((e) => {
    if (e.payload.snapshot.finished) ended(e.payload.id);
  });
  for (const asked of await commands.openQuestions()) receive(questions.open, asked);
}
