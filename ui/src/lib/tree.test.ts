import { describe, expect, it } from "vitest";
import { buildTree, type FolderNode } from "./tree";
import type { FileInfo } from "../bindings/FileInfo";

const file = (path: string, size: number, group: FileInfo["group"] = "other"): FileInfo => ({
  path,
  displayPath: path.replace(/\\/g, "/"),
  size,
  compressedSize: Math.floor(size / 2),
  group,
  targetFramework: null,
  runtime: null,
});

describe("buildTree", () => {
  it("nests files under folders, folders first, with summed sizes", () => {
    const root = buildTree([
      file("lib/net45/A.dll", 100, "lib"),
      file("A.nuspec", 10, "nuspec"),
      file("lib/net45/A.xml", 50, "lib"),
      file("lib/netstandard2.0/A.dll", 80, "lib"),
      file("README.md", 5),
    ]);
    expect(root.children.map((c) => c.name)).toEqual(["lib", "A.nuspec", "README.md"]);
    const lib = root.children[0] as FolderNode;
    expect(lib.path).toBe("lib");
    expect(lib.size).toBe(230);
    expect(lib.compressedSize).toBe(50 + 25 + 40);
    expect(lib.fileCount).toBe(3);
    expect(lib.children.map((c) => c.name)).toEqual(["net45", "netstandard2.0"]);
    expect(root.fileCount).toBe(5);
  });

  it("treats backslashes as separators and keeps empty directory records as folders", () => {
    const root = buildTree([file("content\\readme.txt", 3), file("package/", 0, "directory")]);
    expect(root.children.map((c) => c.name)).toEqual(["content", "package"]);
    const pkg = root.children[1] as FolderNode;
    expect(pkg.fileCount).toBe(0);
    expect(pkg.children).toEqual([]);
  });

  it("ignores nameless entries instead of failing", () => {
    const root = buildTree([file("/", 0), file("", 1), file("a//b.txt", 2)]);
    expect(root.fileCount).toBe(1);
    expect((root.children[0] as FolderNode).children[0].name).toBe("b.txt");
  });
});
