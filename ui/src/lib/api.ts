// Typed access to the app's package commands. The argument and result types are
// generated from the Rust types (ui/src/bindings, written by `cargo test`).
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { OpenProgress } from "../bindings/OpenProgress";
import type { AppInfo } from "../bindings/AppInfo";
import type { AssemblyDetails } from "../bindings/AssemblyDetails";
import type { FilesArrived } from "../bindings/FilesArrived";
import type { FilePreview } from "../bindings/FilePreview";
import type { IntegrityReport } from "../bindings/IntegrityReport";
import type { LinkOutcome } from "../bindings/LinkOutcome";
import type { OpenedPackage } from "../bindings/OpenedPackage";
import type { Finding } from "../bindings/Finding";
import type { Report } from "../bindings/Report";
import type { RuleTarget } from "../bindings/RuleTarget";
import { call } from "./ipc";

export const api = {
  appInfo: () => call<AppInfo>("app_info"),
  /** The files the app was started with: what to open, and what was not opened and why. */
  launchFiles: () => call<FilesArrived>("launch_files"),
  /** The same plan for files dropped on the window. */
  planOpen: (paths: string[]) => call<FilesArrived>("plan_open", { paths }),
  /** Reads the package's directory and metadata (fast; never the whole file). */
  openPackage: (path: string) => call<OpenedPackage>("open_package", { path }),
  /** Stops the open under way (a newer open stops it too). */
  cancelOpen: () => call<null>("cancel_open"),
  /** Streams every entry through its CRC check (slow on big packages). */
  verifyPackage: (path: string) => call<IntegrityReport>("verify_package", { path }),
  previewEntry: (path: string, entry: string) => call<FilePreview>("preview_entry", { path, entry }),
  /** A .dll/.exe: name, version, culture, token, framework, and its health checks. */
  assemblyInfo: (path: string, entry: string) => call<AssemblyDetails>("assembly_info", { path, entry }),
  /** The rules' findings for a target, errors first. */
  checkPackage: (path: string, target: RuleTarget) => call<Report>("check_package", { path, target }),
  /** The health of the package's assemblies (the rules' health findings). */
  packageHealth: (path: string) => call<Finding[]>("package_health", { path }),
  /** Opens a link in the system browser; package links come back as `needsConfirmation` until `confirmed`. */
  openLink: (url: string, packagePath: string | null, confirmed: boolean) =>
    call<LinkOutcome>("open_link", { url, packagePath, confirmed }),
  /** Opens Nupub's log file (what it did, without secrets) with the system's viewer. */
  openLog: () => call<null>("open_log"),
};

/** The event that says which phase an open is in. */
export const OPEN_PROGRESS_EVENT = "package:open-progress";

export function onOpenProgress(handler: (progress: OpenProgress) => void): Promise<UnlistenFn> {
  return listen<OpenProgress>(OPEN_PROGRESS_EVENT, (event) => handler(event.payload));
}
