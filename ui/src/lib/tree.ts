// The Files tab's folder tree, built from the flat entry list the core sends.
import type { FileInfo } from "../bindings/FileInfo";

export interface FileNode {
  kind: "file";
  name: string;
  file: FileInfo;
}

export interface FolderNode {
  kind: "folder";
  name: string;
  /** Path of the folder, with `/` separators and no trailing slash. */
  path: string;
  children: TreeNode[];
  size: number;
  compressedSize: number;
  fileCount: number;
}

export type TreeNode = FileNode | FolderNode;

function folder(name: string, path: string): FolderNode {
  return { kind: "folder", name, path, children: [], size: 0, compressedSize: 0, fileCount: 0 };
}

/**
 * Nests entries by their path (`\` is treated as `/`, as NuGet does). Explicit
 * directory records only create folders. Folders come first, then files, each
 * sorted by name; folder sizes are the sums of what they hold.
 */
export function buildTree(files: readonly FileInfo[]): FolderNode {
  const root = folder("", "");
  const folders = new Map<string, FolderNode>([["", root]]);
  const ensure = (parts: string[]): FolderNode[] => {
    const chain: FolderNode[] = [root];
    let path = "";
    for (const part of parts) {
      path = path ? `${path}/${part}` : part;
      let node = folders.get(path);
      if (!node) {
        node = folder(part, path);
        folders.set(path, node);
        chain[chain.length - 1].children.push(node);
      }
      chain.push(node);
    }
    return chain;
  };
  for (const file of files) {
    // Names come from the display form Rust decided (deceptive characters escaped).
    const parts = file.displayPath.split("/").filter((p) => p.length > 0);
    if (parts.length === 0) continue;
    if (file.group === "directory") {
      ensure(parts);
      continue;
    }
    const name = parts[parts.length - 1];
    const chain = ensure(parts.slice(0, -1));
    chain[chain.length - 1].children.push({ kind: "file", name, file });
    for (const node of chain) {
      node.size += file.size;
      node.compressedSize += file.compressedSize;
      node.fileCount += 1;
    }
  }
  const sort = (node: FolderNode) => {
    node.children.sort((a, b) => {
      if (a.kind !== b.kind) return a.kind === "folder" ? -1 : 1;
      return a.name.localeCompare(b.name, "en", { sensitivity: "base" });
    });
    for (const child of node.children) if (child.kind === "folder") sort(child);
  };
  sort(root);
  return root;
}
