// Files tab helpers for assemblies: which rows are assemblies and what badge
// they carry. The badge comes from the path the core already classified
// (FileInfo.targetFramework / runtime), so the tree needs no extra IPC.
import type { FileInfo } from "../../../bindings/FileInfo";

/** A `.dll` or `.exe` entry (what `assembly_info` reads). */
export function isAssembly(path: string): boolean {
  return /\.(dll|exe)$/i.test(path);
}

/** The short badge text for an assembly row: its framework folder, else its runtime; `null` for other files. */
export function assemblyBadge(file: FileInfo): string | null {
  if (!isAssembly(file.path)) return null;
  return file.targetFramework ?? file.runtime ?? null;
}
