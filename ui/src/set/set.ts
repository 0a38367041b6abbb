// Pure helpers for the set view: the consent the user gives, whether Publish
// can be pressed (a preview: the core decides again when publishing), and the
// progress of each package and of the set in words.
import type { SetPlan } from "../bindings/SetPlan";
import type { SetConsent } from "../bindings/SetConsent";
import type { SetEvent } from "../bindings/SetEvent";
import type { MemberOutcome } from "../bindings/MemberOutcome";
import { formatBytes } from "../lib/format";
import { phraseMatches } from "../lib/phrase";

/** What the user agreed to: warnings ticked one by one or all at once, and the typed phrase. */
export function setConsent(acknowledged: Record<string, boolean>, allWarnings: boolean, typed: string): SetConsent {
  return {
    acknowledged: Object.keys(acknowledged).filter((k) => acknowledged[k]),
    allWarnings,
    typed: typed.trim() === "" ? null : typed,
  };
}

/** What still stands before Publish, in words; empty when it can be pressed. */
export function whatIsMissing(plan: SetPlan, consent: SetConsent): string[] {
  const missing: string[] = [];
  if (plan.blockers.length > 0) missing.push(`${plan.blockers.length} problem${plan.blockers.length === 1 ? "" : "s"} to fix first`);
  if (plan.toSend === 0) missing.push("nothing to send: the feed holds every package");
  const open = consent.allWarnings ? 0 : plan.acknowledgements.filter((a) => !consent.acknowledged.includes(a.key)).length;
  if (open > 0) missing.push(`${open} warning${open === 1 ? "" : "s"} to acknowledge`);
  if (plan.confirmation && !phraseMatches(consent.typed ?? "", plan.confirmation)) missing.push(`type "${plan.confirmation}"`);
  return missing;
}

export type MemberState =
  | { status: "waiting" }
  | { status: "sending"; line: string }
  | { status: "done"; result: MemberOutcome };

export interface SetProgress {
  members: Record<string, MemberState>;
  overall: { fraction: number | null; line: string };
}

export function memberKey(id: string, version: string): string {
  return `${id.toLowerCase()} ${version}`;
}

/** Folds one event into the progress shown. */
export function applyEvent(progress: SetProgress, event: SetEvent): SetProgress {
  const members = { ...progress.members };
  switch (event.kind) {
    case "started":
      members[memberKey(event.id, event.version)] = { status: "sending", line: "Starting…" };
      return { ...progress, members };
    case "package": {
      const e = event.event;
      let line: string | null = null;
      if (e.kind === "uploading") line = `${formatBytes(Number(e.sentBytes))} of ${formatBytes(Number(e.totalBytes))}`;
      else if (e.kind === "sent") line = "Sent; waiting for the feed's answer…";
      else if (e.kind === "retrying") line = `${e.reason}; attempt ${e.attempt} in ${e.waitSeconds.toFixed(0)} s`;
      else if (e.kind === "checking") line = e.reason;
      else if (e.kind === "waitingForVisibility") line = "Waiting for the feed to show it…";
      if (line === null) return progress;
      members[memberKey(event.id, event.version)] = { status: "sending", line };
      return { ...progress, members };
    }
    case "done":
      members[memberKey(event.id, event.version)] = { status: "done", result: event.result };
      return { ...progress, members };
    case "overall": {
      const rate = event.bytesPerSecond > 0 ? `, ${formatBytes(event.bytesPerSecond)}/s` : "";
      const left = event.etaSeconds !== null && event.etaSeconds !== undefined ? `, about ${Math.ceil(event.etaSeconds)} s left` : "";
      return {
        ...progress,
        overall: {
          fraction: event.totalBytes > 0 ? event.sentBytes / event.totalBytes : null,
          line: `${event.done} of ${event.total} packages done; ${formatBytes(event.sentBytes)} of ${formatBytes(event.totalBytes)}${rate}${left}`,
        },
      };
    }
    case "waiting":
      return { ...progress, overall: { ...progress.overall, line: `${event.reason} (${Math.ceil(event.waitSeconds)} s)` } };
  }
}

/** A package's result in a few words. */
export function resultWords(result: MemberOutcome): string {
  switch (result.status) {
    case "published":
      return "published";
    case "alreadyThere":
      return "already on the feed";
    case "failed":
      return `failed: ${result.error.message}`;
    case "notSent":
      return result.reason;
  }
}
