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
