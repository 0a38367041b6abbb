// The states of an opened package as the window shows them.
import type { ErrorInfo } from "../bindings/ErrorInfo";
import type { IntegrityReport } from "../bindings/IntegrityReport";
import type { OpenedPackage } from "../bindings/OpenedPackage";
import type { OpenPhase } from "../bindings/OpenPhase";
import type { SignatureKind } from "../bindings/SignatureKind";

export type Integrity =
  | { status: "checking" }
  | { status: "done"; report: IntegrityReport }
  | { status: "error"; error: ErrorInfo };

export type Loaded =
  | { status: "none" }
  | { status: "opening"; path: string; phase?: OpenPhase }
  | { status: "open"; opened: OpenedPackage; integrity: Integrity }
  | { status: "failed"; path: string; error: ErrorInfo };

/** The words on the signature badge. */
export function signatureLabel(kind: SignatureKind | null): string {
  switch (kind) {
    case null:
      return "Unsigned";
    case "author":
      return "Author signed";
    case "repository":
      return "Repository signed";
    case "authorWithRepositoryCountersignature":
      return "Author and repository signed";
    case "unknown":
      return "Signed (unknown kind)";
    case "unreadable":
      return "Signature unreadable";
  }
}

/** What the header says while a package opens, phase by phase. */
export function openPhaseLabel(phase: OpenPhase | undefined): string {
  switch (phase) {
    case undefined:
      return "Reading the package";
    case "directory":
      return "Reading the list of files";
    case "nuspec":
      return "Reading the nuspec";
    case "signature":
      return "Reading the signature";
    case "icon":
      return "Reading the icon";
    case "readme":
      return "Reading the readme";
    case "license":
      return "Reading the licence";
    case "summary":
      return "Sorting files and frameworks";
  }
}

/** What a set handed to the window was made of: "2 packages", "a folder",
 * "3 packages and 2 folders" (a set holds package files and folders only). */
export function setMadeOf(paths: string[]): string {
  const files = paths.filter((p) => /\.s?nupkg$/i.test(p)).length;
  const folders = paths.length - files;
  const parts: string[] = [];
  if (files > 0) parts.push(files === 1 ? "1 package" : `${files} packages`);
  if (folders > 0) parts.push(folders === 1 ? "a folder" : `${folders} folders`);
  return parts.join(" and ");
}
