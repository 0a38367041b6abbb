// Typed access to the app's Tauri commands. The argument and result types are
// generated from the Rust types (ui/src/bindings, written by `cargo test`).
import { invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "../bindings/AppInfo";
import { CommandError, toErrorInfo } from "./errors";

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw new CommandError(toErrorInfo(error));
  }
}

export const api = {
  appInfo: () => call<AppInfo>("app_info"),
  launchPackage: () => call<string | null>("launch_package"),
};
