// The feeds a package can be checked for, as the window names them.
import type { Finding } from "../bindings/Finding";
import type { RuleTarget } from "../bindings/RuleTarget";

/** `label` for lists; `phrase` inside a sentence ("publishing to a local folder feed"). */
export const TARGETS: readonly { id: RuleTarget; label: string; phrase: string }[] = [
  { id: "nuget.org", label: "nuget.org", phrase: "nuget.org" },
  { id: "github", label: "GitHub Packages", phrase: "GitHub Packages" },
  { id: "azure", label: "Azure Artifacts", phrase: "Azure Artifacts" },
  { id: "myget", label: "MyGet", phrase: "MyGet" },
  { id: "generic", label: "Another NuGet feed", phrase: "another NuGet feed" },
  { id: "local", label: "A local folder feed", phrase: "a local folder feed" },
];

export function targetPhrase(target: RuleTarget): string {
  return TARGETS.find((t) => t.id === target)?.phrase ?? target;
}

/**
 * The key under which the Checks step records that a warning was acknowledged:
 * per package path, target and finding (code, file, message).
 */
export function ackKey(path: string, target: RuleTarget, f: Finding): string {
  return [path, target, f.code, f.path ?? "", f.message].join("\u0000");
}
