// The one door to the app's Tauri commands (src-tauri/src/*_commands.rs). Every
// typed wrapper (api.ts, publishApi.ts, accountApi.ts, the views' *Api.ts) calls
// `call`; errors arrive as `CommandError` carrying `{code, message, hint}`.
// COMMANDS is the list registered in src-tauri/src/lib.rs: ipc.test.ts fails
// when a registered command has no wrapper, or a wrapper names a missing command.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { CommandError, toErrorInfo } from "./errors";

export const COMMANDS = [
  "app_info",
  "launch_files",
  "plan_open",
  "open_package",
  "cancel_open",
  "verify_package",
  "preview_entry",
  "assembly_info",
  "open_link",
  "open_log",
  "check_package",
  "package_health",
  "onboarding_state",
  "save_onboarding",
  "account_overview",
  "sign_in",
  "cancel_sign_in",
  "open_device_page",
  "switch_account",
  "sign_out",
  "save_client_id",
  "confirm_two_step",
  "confirm_publish_email",
  "key_guidance",
  "save_feed_key",
  "remove_feed_key",
  "scan_nuget_configs",
  "list_feeds",
  "publish",
  "cancel_publish",
  "plan_publish",
  "store_feed_key",
  "set_listed",
  "plan_set",
  "publish_set",
  "cancel_set",
  "feed_versions",
  "choose_versions",
  "plan_listing_change",
  "run_listing_change",
  "cancel_lifecycle",
  "deprecate_versions",
  "fix_start",
  "fix_saved",
  "fix_run",
  "ci_workflow_plan",
  "ci_write_workflow",
  "ci_diagnose",
  "package_changes",
  "cancel_package_changes",
] as const;

export type CommandName = (typeof COMMANDS)[number];

/** Calls a Tauri command; a failure becomes a `CommandError` with the core's `{code, message, hint}`. */
export async function call<T>(command: CommandName, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw new CommandError(toErrorInfo(error));
  }
}

/** Listens for an app event's payloads; resolves with the function that stops listening. */
export function onEvent<T>(event: string, handler: (payload: T) => void): Promise<UnlistenFn> {
  return listen<T>(event, (e) => handler(e.payload));
}
