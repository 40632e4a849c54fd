// The typed IPC surface: generated bindings plus how errors read.
export * from "./bindings";

import type { IpcError } from "./bindings";

export function isIpcError(e: unknown): e is IpcError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** The sentence to show for a failed command. */
export function messageOf(e: unknown): string {
  if (isIpcError(e)) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

import { commands } from "./bindings";

/**
 * The commands of one area of the window (storage, sync, jobs...): its lib
 * module exports them, and views and components reach the app only through
 * those modules, never `commands` directly, so what an area asks of Rust is
 * listed in one place.
 */
export function area<K extends keyof typeof commands>(...names: K[]): Pick<typeof commands, K> {
  return Object.fromEntries(names.map((name) => [name, commands[name]])) as Pick<typeof commands, K>;
}
