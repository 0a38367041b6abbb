// Typed access to the "Publish from GitHub Actions" commands (src-tauri/src/ci_commands.rs).
import type { Diagnosis } from "../bindings/Diagnosis";
import type { WorkflowOptions } from "../bindings/WorkflowOptions";
import type { WorkflowPlan } from "../bindings/WorkflowPlan";
import { call } from "../lib/ipc";

export const ciApi = {
  /** The repository, the workflow text and the policy values; writes nothing. */
  plan: (path: string, options: WorkflowOptions) => call<WorkflowPlan>("ci_workflow_plan", { path, options }),
  /** Writes the workflow the user was shown; refuses when it changed, and replaces a file only with `overwrite`. */
  write: (path: string, options: WorkflowOptions, shown: string, overwrite: boolean) =>
    call<string>("ci_write_workflow", { path, options, shown, overwrite }),
  /** The known causes in a pasted job log. */
  diagnose: (log: string) => call<Diagnosis>("ci_diagnose", { log }),
};

/** The options as the form holds them, with blanks meaning "none". */
export function toOptions(form: { mode: WorkflowOptions["mode"]; user: string; environment: string; fileName: string }): WorkflowOptions {
  const blank = (s: string) => (s.trim() === "" ? null : s.trim());
  return { mode: form.mode, user: blank(form.user), environment: blank(form.environment), fileName: blank(form.fileName), mygetFeed: null };
}
