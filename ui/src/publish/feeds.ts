// Pure helpers for the publish flow: what the user must type to confirm
// nuget.org, key states and progress in words. Which checks apply to a feed
// comes from Rust (`FeedChoice.target`, `target_for` in publish_commands.rs).
import type { FeedChoice } from "../bindings/FeedChoice";
import type { PushEvent } from "../bindings/PushEvent";
import type { Preflight } from "../bindings/Preflight";
import type { Finding } from "../bindings/Finding";
import type { ErrorInfo } from "../bindings/ErrorInfo";
import { formatBytes } from "../lib/format";

/** What the user types before publishing to nuget.org: `Id Version`. */
export function confirmPhrase(id: string, version: string): string {
  return `${id} ${version}`;
}

/** Typed text matches when it equals the phrase, ignoring surrounding spaces and the id's case (ids are case-insensitive). */
export function phraseMatches(typed: string, id: string, version: string): boolean {
  const parts = typed.trim().split(/\s+/);
  return parts.length === 2 && parts[0].toLowerCase() === id.toLowerCase() && parts[1] === version;
}

export { ackKey } from "../lib/targets";

/** A key's state in words for the feed list. */
export function keyStatus(feed: FeedChoice): { text: string; tone: "ok" | "warn" | "none" } {
  if (!feed.needsKey) return { text: "No key needed", tone: "ok" };
  if (!feed.hasKey) return { text: "No API key stored", tone: "warn" };
  const days = feed.keyExpiresInDays;
  if (days === null || days === undefined) return { text: "API key stored", tone: "ok" };
  if (days < 0) return { text: `API key expired on ${feed.keyExpires}`, tone: "warn" };
  if (days <= 14) {
    const when = days === 0 ? "API key expires today" : `API key expires in ${days} day${days === 1 ? "" : "s"}`;
    return { text: feed.keyExpires ? `${when} (${feed.keyExpires})` : when, tone: "warn" };
  }
  return { text: `API key stored, expires ${feed.keyExpires}`, tone: "ok" };
}

/** The preflight's answer as the Confirm step lays it out. */
export interface PreflightSummary {
  /** Feed-fact findings that block publishing (a reserved prefix, …). */
  errors: Finding[];
  /** Findings the user acknowledges before publishing (the previous version was signed, …). */
  warnings: Finding[];
  /** Findings that only inform (the id's owners). */
  infos: Finding[];
  /** What the feed could not be asked, in plain words. */
  notes: string[];
  symbolFile: string | null;
  /** Why the symbol package would be refused (blocks publishing). */
  symbolErrors: ErrorInfo[];
  /** The stored key as the preflight found it (null before it answered). */
  key: { present: boolean; expires: string | null; days: number | null } | null;
  /** Nothing at all to show. */
  empty: boolean;
}

export function preflightSummary(result: Preflight | null): PreflightSummary {
  if (!result) {
    return { errors: [], warnings: [], infos: [], notes: [], symbolFile: null, symbolErrors: [], key: null, empty: false };
  }
  const findings = result.findings ?? [];
  const symbols = result.symbols ?? { status: "none" };
  const summary: PreflightSummary = {
    errors: findings.filter((f) => f.severity === "error"),
    warnings: findings.filter((f) => f.severity === "warning"),
    infos: findings.filter((f) => f.severity === "info"),
    notes: result.notes ?? [],
    symbolFile: symbols.status === "none" ? null : fileName(symbols.file),
    symbolErrors: symbols.status === "invalid" ? symbols.errors : [],
    key: result.needsKey ? { present: result.keyPresent, expires: result.keyExpires ?? null, days: result.keyExpiresInDays ?? null } : null,
    empty: false,
  };
  // The key's expiry is said in the summary's "API key" line, not in this panel.
  summary.empty = findings.length === 0 && summary.notes.length === 0 && summary.symbolErrors.length === 0;
  return summary;
}

function fileName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/** Progress as the bar and the line under it show it. */
export interface ProgressView {
  fraction: number | null;
  line: string;
  /** Cancel is offered until the whole body is sent. */
  cancellable: boolean;
}

export function describeEvent(event: PushEvent): ProgressView {
  switch (event.kind) {
    case "verifying":
      return { fraction: null, line: "Checking the package again before sending…", cancellable: true };
    case "resolving":
      return { fraction: null, line: `Contacting ${event.feed}…`, cancellable: true };
    case "started":
      return {
        fraction: 0,
        line: event.attempt > 1 ? `Attempt ${event.attempt}: sending ${event.file}…` : `Sending ${event.file} (${formatBytes(Number(event.totalBytes))})…`,
        cancellable: true,
      };
    case "uploading": {
      // JSON numbers at run time, whatever ts-rs calls u64.
      const sent = Number(event.sentBytes);
      const total = Number(event.totalBytes);
      const fraction = total > 0 ? Math.min(1, sent / total) : 1;
      const eta = event.etaSeconds !== null && event.etaSeconds !== undefined ? `, about ${Math.ceil(event.etaSeconds)} s left` : "";
      // Rust sends no rate until it means something (the first second after
      // the kernel's buffers filled): say so rather than "0 B/s".
      const rate = event.bytesPerSecond > 0 ? ` at ${formatBytes(event.bytesPerSecond)}/s${eta}` : ", measuring the speed…";
      return { fraction, line: `${formatBytes(sent)} of ${formatBytes(total)}${rate}`, cancellable: true };
    }
    case "sent":
      return { fraction: 1, line: "Sent. Waiting for the feed's answer…", cancellable: false };
    case "checking":
      return { fraction: null, line: `${event.reason}…`, cancellable: false };
    case "retrying":
      return { fraction: null, line: `${event.reason}; trying again in ${Math.ceil(event.waitSeconds)} s (attempt ${event.attempt})`, cancellable: true };
    case "waitingForVisibility":
      return {
        fraction: 1,
        line: `Published. Waiting for the feed to list it (${Math.floor(event.elapsedSeconds)} of ${Math.floor(event.limitSeconds)} s)…`,
        cancellable: false,
      };
  }
}
