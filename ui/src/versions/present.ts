// Plain words for what the Rust side decided (no decisions here).
import type { FeedVersion } from "../bindings/FeedVersion";
import type { StepStatus } from "../bindings/StepStatus";
import type { VersionOutcome } from "../bindings/VersionOutcome";

export function listingLabel(v: FeedVersion): string {
  if (v.listed === true) return "Listed";
  if (v.listed === false) return "Unlisted";
  return "—";
}

export function deprecationLabel(v: FeedVersion): string {
  const d = v.deprecation;
  if (!d) return "";
  const reasons = d.reasons.map((r) => (r === "CriticalBugs" ? "critical bugs" : r.toLowerCase())).join(", ");
  const alternate = d.alternateId ? ` → ${d.alternateId} ${d.alternateRange ?? "*"}` : "";
  return `Deprecated (${reasons})${alternate}${d.message ? `: ${d.message}` : ""}`;
}

export function outcomeLabel(o: VersionOutcome): string {
  switch (o.kind) {
    case "done":
      return "Done";
    case "skipped":
      return `Skipped: ${o.why}`;
    case "failed":
      return `Failed: ${o.error.message}`;
    case "notAttempted":
      return "Not attempted (stopped earlier)";
  }
}

export function stepLabel(s: StepStatus): string {
  switch (s.kind) {
    case "pending":
      return "Not done yet";
    case "done":
      return `Done: ${s.detail}`;
    case "failed":
      return `Failed: ${s.error.message}`;
  }
}

/** UTF-16 code units, as nuget.org counts the message (JavaScript's length). */
export function messageUnits(text: string): number {
  return text.length;
}
