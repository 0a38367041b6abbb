// The security checklist's states, computed from what the core reports.
// Pure functions: the components only render them (and Vitest checks each state).
import type { AccountStatus } from "../bindings/AccountStatus";
import type { ConfigScan } from "../bindings/ConfigScan";
import type { ErrorInfo } from "../bindings/ErrorInfo";
import type { OnboardingState } from "../bindings/OnboardingState";
import type { StoredKey } from "../bindings/StoredKey";

/** done: nothing to do; todo: not started; attention: needs the user; unknown: cannot tell yet; info: advice. */
export type ItemStatus = "done" | "todo" | "attention" | "unknown" | "info";
export type ItemId = "twoStep" | "emailOnPublish" | "apiKey" | "trustedPublishing" | "noKeysInFiles";

export interface ItemState {
  id: ItemId;
  status: ItemStatus;
  /** A short label for the status badge, e.g. "Verified". */
  label: string;
  /** One sentence saying what the status means. */
  detail: string;
}

export const NUGET_ORG = "nuget.org";

export function activeAccount(accounts: AccountStatus[]): AccountStatus | null {
  return accounts.find((a) => a.active) ?? null;
}

export function twoStepItem(account: AccountStatus | null): ItemState {
  const id = "twoStep";
  if (!account) {
    return { id, status: "todo", label: "Not signed in", detail: "Sign in with Microsoft to record two-step verification for your account." };
  }
  if (account.needsSignIn) {
    return { id, status: "unknown", label: "Sign in again", detail: "Your sign-in has expired. Sign in again to update this item." };
  }
  if (account.mfa.verified) {
    return { id, status: "done", label: "Shown by the sign-in", detail: "Your last sign-in reported that it used two-step verification." };
  }
  if (account.mfa.userConfirmed) {
    return {
      id,
      status: "done",
      label: "On (you said so)",
      detail: `You said on ${account.mfa.userConfirmed} that two-step verification is on. Microsoft does not tell apps, so Nupub has not checked it.`,
    };
  }
  return {
    id,
    status: "attention",
    label: "Not known",
    detail:
      "Microsoft does not tell apps whether you use two-step verification. Look at your security page; when it is on, say so here. Nupub records it as your word, not as checked.",
  };
}

/** The security page for the kind of account: work or school accounts have their own. */
export function securityPage(account: AccountStatus | null): { url: string; label: string } {
  return account?.kind === "workOrSchool"
    ? { url: "https://mysignins.microsoft.com/security-info", label: "Open my work or school security info" }
    : { url: "https://account.microsoft.com/security", label: "Open my Microsoft account security page" };
}

/** E-mail on every publish: ticked per signed-in account (the global tick only without any account). */
export function emailItem(state: OnboardingState, account: AccountStatus | null = null): ItemState {
  const on = account ? account.publishEmailConfirmed : state.emailOnPublish;
  return on
    ? { id: "emailOnPublish", status: "done", label: "Confirmed", detail: "You confirmed that nuget.org e-mails you whenever a package is published from your account." }
    : {
        id: "emailOnPublish",
        status: "todo",
        label: "Not confirmed",
        detail: "nuget.org turns this on for new accounts. Check that it is still on in your nuget.org account settings, then tick it off here.",
      };
}

/** The key Nupub uses for `source` (nuget.org unless told otherwise). */
export function keyFor(keys: StoredKey[], source = NUGET_ORG): StoredKey | null {
  return keys.find((k) => k.source.toLowerCase() === source.toLowerCase()) ?? null;
}

export function maskedKey(key: StoredKey): string {
  return key.last4 ? `••••${key.last4}` : "••••••••";
}

export function apiKeyItem(keys: StoredKey[], source = NUGET_ORG): ItemState {
  const id = "apiKey";
  const key = keyFor(keys, source);
  if (!key) return { id, status: "todo", label: "No key yet", detail: `No API key for ${source} is saved in your keyring.` };
  if (!key.inStore) {
    return { id, status: "attention", label: "Missing", detail: `The key for ${source} is no longer in your keyring. Save it again.` };
  }
  const days = key.expiresInDays;
  if (days !== null && days < 0) {
    return { id, status: "attention", label: "Expired", detail: `The key ${maskedKey(key)} expired on ${key.expires}. Create a new one and replace it.` };
  }
  // The threshold is the accounts crate's (REMIND_DAYS): the window never restates it.
  if (days !== null && key.expiresSoon) {
    const when = days === 0 ? "today" : days === 1 ? "tomorrow" : `in ${days} days`;
    return { id, status: "attention", label: "Expires soon", detail: `The key ${maskedKey(key)} expires ${when} (${key.expires}). Create a new one and replace it.` };
  }
  if (!key.glob) {
    return { id, status: "attention", label: "Not limited", detail: `The key ${maskedKey(key)} can push any of your packages. A key limited to a glob pattern such as Contoso.* is safer.` };
  }
  if (days === null) {
    return { id, status: "done", label: "Saved", detail: `The key ${maskedKey(key)} for ${key.glob} is in your keyring. Add its expiry date to get a reminder.` };
  }
  return { id, status: "done", label: "Saved", detail: `The key ${maskedKey(key)} for ${key.glob} is in your keyring until ${key.expires}.` };
}

export function trustedPublishingItem(state: OnboardingState): ItemState {
  return state.trustedPublishingSeen
    ? { id: "trustedPublishing", status: "done", label: "Read", detail: "For CI, use Trusted Publishing instead of a stored key." }
    : { id: "trustedPublishing", status: "info", label: "Recommended for CI", detail: "Publishing from CI? Trusted Publishing needs no stored key at all." };
}

export type ScanState = { status: "idle" } | { status: "scanning" } | { status: "done"; scan: ConfigScan } | { status: "error"; error: ErrorInfo };

export function noKeysInFilesItem(scan: ScanState): ItemState {
  const id = "noKeysInFiles";
  if (scan.status === "idle" || scan.status === "scanning") {
    return { id, status: "unknown", label: "Checking…", detail: "Looking for passwords and keys written in clear text in the nuget.config files NuGet reads." };
  }
  if (scan.status === "error") return { id, status: "unknown", label: "Not checked", detail: scan.error.message };
  const found = scan.scan.findings.length;
  const files = scan.scan.files.length;
  if (found > 0) {
    return {
      id,
      status: "attention",
      label: found === 1 ? "1 secret in a file" : `${found} secrets in files`,
      detail:
        "Treat each one as exposed: change it on the feed first, then take it out of the file with one of the replacements NuGet reads (deleting it alone breaks restore: NuGet cannot read Nupub's keyring).",
    };
  }
  const unreadable = scan.scan.unreadable.length;
  if (unreadable > 0) {
    return {
      id,
      status: "attention",
      label: "Not all checked",
      detail: `${unreadable === 1 ? "1 nuget.config file" : `${unreadable} nuget.config files`} could not be read, so Nupub cannot say whether they hold secrets.`,
    };
  }
  const fileText = files === 1 ? "1 nuget.config file" : `${files} nuget.config files`;
  return {
    id,
    status: "done",
    label: "None found",
    detail: files === 0 ? "NuGet reads no nuget.config file here, so none holds a secret." : `No clear-text secrets in the ${fileText} NuGet reads.`,
  };
}

/** Expiry choices nuget.org offers when creating a key. */
export const EXPIRY_CHOICES = [1, 90, 180, 270, 365] as const;

/** `YYYY-MM-DD`, `days` after `today` (UTC, as the core counts). */
export function dateAfter(days: number, today: Date = new Date()): string {
  const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + days));
  return d.toISOString().slice(0, 10);
}

/** The items that still need the user, for the last setup step ("You're set" only when there are none). */
export function openItems(items: ItemState[]): ItemState[] {
  return items.filter((i) => i.status === "todo" || i.status === "attention" || i.status === "unknown");
}
