// Pure helpers of the Changes view: grouping, filtering and wording.
import type { Change } from "../bindings/Change";
import type { ChangeKind } from "../bindings/ChangeKind";
import type { ChangeSeverity } from "../bindings/ChangeSeverity";
import type { Verdict } from "../bindings/Verdict";

export const KIND_ORDER: ChangeKind[] = [
  "api",
  "framework",
  "dependency",
  "license",
  "assembly",
  "metadata",
  "file",
  "signature",
  "health",
  "readme",
];

export const KIND_LABEL: Record<ChangeKind, string> = {
  api: "Public API",
  framework: "Target frameworks",
  dependency: "Dependencies",
  license: "Licence",
  assembly: "Assembly identity",
  metadata: "Package details",
  file: "Files",
  signature: "Signature",
  health: "Health",
  readme: "Readme",
};

export const SEVERITY_LABEL: Record<ChangeSeverity, string> = {
  breaking: "Breaking",
  significant: "Significant",
  addition: "Added",
  info: "Info",
};

export type Group = { kind: ChangeKind; label: string; changes: Change[]; breaking: number; subgroups: { name: string; changes: Change[] }[] };

/** Changes grouped by kind (in display order), API changes also by assembly. */
export function groupChanges(changes: readonly Change[], breakingOnly: boolean): Group[] {
  const shown = breakingOnly ? changes.filter((c) => c.severity === "breaking") : changes;
  const groups: Group[] = [];
  for (const kind of KIND_ORDER) {
    const mine = shown.filter((c) => c.kind === kind);
    if (mine.length === 0) continue;
    const names = [...new Set(mine.map((c) => c.assembly ?? ""))];
    groups.push({
      kind,
      label: KIND_LABEL[kind],
      changes: mine,
      breaking: mine.filter((c) => c.severity === "breaking").length,
      subgroups: names.map((name) => ({ name, changes: mine.filter((c) => (c.assembly ?? "") === name) })),
    });
  }
  return groups;
}

/** "needs 2.0.0" / "1.0.1 is enough" in one line. */
export function verdictLine(verdict: Verdict, newVersion: string): string {
  if (verdict.tooSmall) {
    return `The changes need a ${verdict.needed} version bump: publish as ${verdict.suggestedVersion}, not ${newVersion}`;
  }
  return `A ${verdict.needed} bump is enough: ${newVersion} is fine`;
}
