// Window-level integrations: file drops onto the window and the open-file dialog.
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { open } from "@tauri-apps/plugin-dialog";

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

/** Shows the system's open-file dialog for NuGet packages; resolves to the chosen path or null. */
export async function chooseFile(): Promise<string | null> {
  const chosen = await open({
    multiple: false,
    directory: false,
    title: "Choose a NuGet package",
    filters: [
      { name: "NuGet packages", extensions: ["nupkg", "snupkg"] },
      { name: "All files", extensions: ["*"] },
    ],
  });
  return typeof chosen === "string" ? chosen : null;
}

/** The file name at the end of a path, for either separator. */
export function fileName(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p.length > 0);
  return parts.length > 0 ? parts[parts.length - 1] : path;
}
