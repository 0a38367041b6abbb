// Pure helpers for the publish flow: what the user must type to confirm
// nuget.org, key states and progress in words. Which checks apply to a feed
// comes from Rust (`FeedChoice.target`, `target_for` in publish_commands.rs).
import type { FeedChoice } from "../../bindings/FeedChoice";
import type { PushEvent } from "../../bindings/PushEvent";
import type { Plan } from "../../bindings/Plan";
import type { KeyPlan } from "../../bindings/KeyPlan";
import type { Acknowledgement } from "../../bindings/Acknowledgement";
import type { Finding } from "../../bindings/Finding";
import type { ErrorInfo } from "../../bindings/ErrorInfo";
import { formatBytes } from "../../lib/format";

/** What the user types before publishing to nuget.org: `Id Version`. */
export function confirmPhrase(id: string, version: string): string {
  return `${id} ${version}`;
}

export { ackKey } from "../../lib/targets";

/** A key's state in words for the feed list. */
export function keyStatus(feed: FeedChoice): { text: string; tone: "ok" | "warn" | "none" } {
  if (!feed.needsKey) return { text: "No key needed", tone: "ok" };
  if (!feed.hasKey) return { text: "No API key stored", tone: "warn" };
  if (feed.keyOrigin === "environment") return { text: "API key from NUGET_API_KEY", tone: "ok" };
  const days = feed.keyExpiresInDays;
  if (days === null || days === undefined) return { text: "API key stored", tone: "ok" };
  if (days < 0) return { text: `API key expired on ${feed.keyExpires}`, tone: "warn" };
  if (feed.keyExpiresSoon) {
    const when = days === 0 ? "API key expires today" : `API key expires in ${days} day${days === 1 ? "" : "s"}`;
    return { text: feed.keyExpires ? `${when} (${feed.keyExpires})` : when, tone: "warn" };
  }
  return { text: `API key stored, expires ${feed.keyExpires}`, tone: "ok" };
}

/** The plan's answer as the Confirm step lays it out (every decision is the plan's own). */
export interface PlanSummary {
  /** Error findings of the package checks for this feed. */
  checkErrors: Finding[];
  /** Warnings of the package checks (acknowledged on the Checks step). */
  checkWarnings: Acknowledgement[];
  /** What the feed's answers mean: errors block, warnings are acknowledged here, infos inform. */
  errors: Finding[];
  warnings: Acknowledgement[];
  infos: Finding[];
  /** What the feed could not be asked, in plain words. */
  notes: string[];
  symbolFile: string | null;
  /** Why the symbol package would be refused (blocks publishing). */
  symbolErrors: ErrorInfo[];
  /** What the Symbols line says. */
  symbolsLine: string;
  /** The version is on the feed already (blocks publishing). */
  exists: ErrorInfo | null;
  /** The feed needs a key and none was found (blocks publishing). */
  keyMissing: ErrorInfo | null;
  /** Nothing at all stands in the way and nothing needs saying. */
  empty: boolean;
}

export function planSummary(plan: Plan | null, feedName: string): PlanSummary | null {
  if (!plan) return null;
  const symbols = plan.symbols;
  const symbolFile = symbols.status === "none" ? null : fileName(symbols.file);
  const symbolsLine =
    symbols.status === "none"
      ? "No symbol package"
      : symbols.status === "willSend"
        ? `${symbolFile} goes too`
        : symbols.status === "notSupported"
          ? `${symbolFile} stays here: ${feedName} takes no symbol packages`
          : symbols.status === "invalid"
            ? `${symbolFile} would be refused`
            : `${symbolFile} goes too if ${feedName} takes symbol packages (it could not be asked)`;
  const blocker = (code: string) => plan.blockers.find((b) => b.code === code) ?? null;
  const summary: PlanSummary = {
    checkErrors: plan.findings.filter((f) => f.severity === "error"),
    checkWarnings: plan.acknowledgements.filter((a) => !a.fromFeed),
    errors: plan.feedFindings.filter((f) => f.severity === "error"),
    warnings: plan.acknowledgements.filter((a) => a.fromFeed),
    infos: plan.feedFindings.filter((f) => f.severity === "info"),
    notes: plan.notes,
    symbolFile,
    symbolErrors: symbols.status === "invalid" ? symbols.errors : [],
    symbolsLine,
    exists: blocker("feed.push.version_exists"),
    keyMissing: blocker("publish.key_missing"),
    empty: false,
  };
  // "Nothing stands in the way" only when that is what the plan says.
  summary.empty = plan.blockers.length === 0 && plan.feedFindings.length === 0 && plan.notes.length === 0;
  return summary;
}

/** The key line of the summary, from the plan's key. */
export function planKeyStatus(key: KeyPlan): { text: string; tone: "ok" | "warn" | "none" } {
  if (key.need === "none") return { text: "No key needed", tone: "ok" };
  if (!key.present) {
    return key.feedCredentials
      ? { text: "No API key; the user name and password from nuget.config are sent", tone: "ok" }
      : { text: "No API key found", tone: "warn" };
  }
  const from =
    key.origin === "environment"
      ? "from NUGET_API_KEY"
      : key.origin === "given"
        ? "given here"
        : key.origin === "azureSignIn"
          ? "your signed-in account's Azure DevOps token"
          : "stored";
  const days = key.expiresInDays;
  if (days === null || days === undefined) return { text: `API key ${from}`, tone: "ok" };
  if (days < 0) return { text: `API key expired on ${key.expires}`, tone: "warn" };
  if (key.expiresSoon) {
    const when = days === 0 ? "API key expires today" : `API key expires in ${days} day${days === 1 ? "" : "s"}`;
    return { text: key.expires ? `${when} (${key.expires})` : when, tone: "warn" };
  }
  return { text: `API key ${from}, expires ${key.expires}`, tone: "ok" };
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
