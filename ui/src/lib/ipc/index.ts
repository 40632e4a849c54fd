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
