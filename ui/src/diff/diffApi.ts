// Typed access to the diff commands (src-tauri/src/diff_commands.rs).
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { ChangesReport } from "../bindings/ChangesReport";
import type { DiffProgress } from "../bindings/DiffProgress";
import { call } from "../lib/ipc";

export const DIFF_EVENT = "diff-progress";

export const diffApi = {
  /** Compares the package with its baseline on `feed` (the highest lower version, or `baseline`: a file or version). */
  packageChanges: (path: string, feed: string, baseline: string | null = null) =>
    call<ChangesReport>("package_changes", { path, feed, baseline }),
  /** Stops the running comparison (it then fails with `diff.cancelled`). */
  cancel: () => call<void>("cancel_package_changes"),
};

/** Listens for diff progress. Returns the unsubscribe function. */
export function onDiffProgress(handler: (p: DiffProgress) => void): Promise<UnlistenFn> {
  return listen<DiffProgress>(DIFF_EVENT, (event) => handler(event.payload));
}
