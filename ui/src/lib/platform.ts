// Window-level integrations: file drops onto the window, files from a second
// launch, the window title and the open-file dialog.
import { listen } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { getCurrentWindow } from "@tauri-apps/api/window";
import { open } from "@tauri-apps/plugin-dialog";
import type { FilesArrived } from "../bindings/FilesArrived";

export type DropState = { kind: "over" } | { kind: "leave" } | { kind: "drop"; paths: string[] };

/** Listens for files dragged over and dropped anywhere on the window. Returns the unsubscribe function. */
export async function listenForDrops(onChange: (state: DropState) => void): Promise<() => void> {
  return getCurrentWebview().onDragDropEvent((event) => {
    const payload = event.payload;
    if (payload.type === "drop") onChange({ kind: "drop", paths: payload.paths });
    else if (payload.type === "leave") onChange({ kind: "leave" });
    else onChange({ kind: "over" });
  });
}

/** The event a second launch (a double-clicked package while Nupub runs) sends its files with. */
export const OPEN_FILES_EVENT = "nupub://open-files";

/** Listens for files handed over by a second launch. Returns the unsubscribe function. */
export async function listenForOpenFiles(onFiles: (files: FilesArrived) => void): Promise<() => void> {
  return listen<FilesArrived>(OPEN_FILES_EVENT, (event) => onFiles(event.payload));
}

/** Sets the window title (what the taskbar and window switcher show). */
export async function setWindowTitle(title: string): Promise<void> {
  await getCurrentWindow().setTitle(title);
}

const PACKAGE_FILTERS = [
  { name: "NuGet packages", extensions: ["nupkg", "snupkg"] },
  { name: "All files", extensions: ["*"] },
];

/** Shows the system's open-file dialog for NuGet packages; resolves to the chosen path or null. */
export async function chooseFile(): Promise<string | null> {
  const chosen = await open({ multiple: false, directory: false, title: "Choose a NuGet package", filters: PACKAGE_FILTERS });
  return typeof chosen === "string" ? chosen : null;
}

/** The open dialog with several files allowed; resolves to the chosen paths (empty when cancelled). */
export async function chooseFiles(): Promise<string[]> {
  const chosen = await open({ multiple: true, directory: false, title: "Choose NuGet packages", filters: PACKAGE_FILTERS });
  if (Array.isArray(chosen)) return chosen;
  return typeof chosen === "string" ? [chosen] : [];
}

/** The folder dialog (a bin/Release of packages); resolves to the folder or null. */
export async function chooseFolder(): Promise<string | null> {
  const chosen = await open({ multiple: false, directory: true, title: "Choose a folder of NuGet packages" });
  return typeof chosen === "string" ? chosen : null;
}

/** The file name at the end of a path, for either separator. */
export function fileName(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p.length > 0);
  return parts.length > 0 ? parts[parts.length - 1] : path;
}
