import type { ErrorInfo } from "../bindings/ErrorInfo";

/** An error from the core, carried as the `{code, message, hint}` triple the Rust side sends. */
export class CommandError extends Error {
  readonly info: ErrorInfo;
  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = "CommandError";
    this.info = info;
  }
}

function isErrorInfo(value: unknown): value is ErrorInfo {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === "string" &&
    typeof v.message === "string" &&
    (v.hint === null || v.hint === undefined || typeof v.hint === "string")
  );
}

/**
 * Turns anything a command can reject with into `{code, message, hint}`.
 * Core errors arrive already in that shape; anything else (an IPC failure,
 * a bug) becomes a plain `app.unexpected` error instead of a raw dump.
 */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof CommandError) return error.info;
  if (isErrorInfo(error)) return { code: error.code, message: error.message, hint: error.hint ?? null };
  const detail = typeof error === "string" ? error : error instanceof Error ? error.message : "";
  return {
    code: "app.unexpected",
    message: detail ? `Nupub hit an unexpected problem: ${detail}` : "Nupub hit an unexpected problem.",
    hint: "Try again. If it keeps happening, restart Nupub and report the steps that led here.",
  };
}

/**
 * For a failure the window can go on without (a window title, a progress
 * listener, a best-effort cancel): returns a rejection handler that writes
 * why it does not matter and what failed to the console, so nothing is
 * silently swallowed.
 */
export function logFailure(what: string, consequence: string): (error: unknown) => void {
  return (error: unknown) => {
    const info = toErrorInfo(error);
    console.warn(`Nupub: ${what} failed (${info.code}: ${info.message}); ${consequence}`);
  };
}
