import { describe, expect, it } from "vitest";
import {
  activeAccount,
  apiKeyItem,
  dateAfter,
  emailItem,
  maskedKey,
  noKeysInFilesItem,
  openItems,
  securityPage,
  trustedPublishingItem,
  twoStepItem,
} from "./checklist";
import type { AccountStatus } from "../bindings/AccountStatus";
import type { OnboardingState } from "../bindings/OnboardingState";
import type { StoredKey } from "../bindings/StoredKey";

export function account(over: Partial<AccountStatus> = {}): AccountStatus {
  return {
    id: "alice.t",
    displayName: "Alice",
    username: "alice@example.test",
    email: "alice@example.test",
    kind: "personal",
    mfa: { verified: false, userConfirmed: null, text: "not known" },
    tenantId: "t",
    issuer: "https://login.example/t/v2.0",
    signedInAt: "2026-01-01T00:00:00Z",
    accessTokenExpiresAt: null,
    active: true,
    needsSignIn: false,
    publishEmailConfirmed: false,
    ...over,
  };
}

export function key(over: Partial<StoredKey> = {}): StoredKey {
  return {
    source: "nuget.org",
    last4: "defg",
    label: "laptop",
    scopes: ["pushVersion"],
    glob: "Contoso.*",
    expires: "2026-09-01",
    expiresInDays: 90,
    expiresSoon: false,
    created: "2026-01-01T00:00:00Z",
    owner: null,
    inStore: true,
    ...over,
  };
}

const setup: OnboardingState = { step: "checklist", finished: false, skipped: false, emailOnPublish: false, trustedPublishingSeen: false, saved: true };

describe("two-step verification", () => {
  it("is to do before sign-in", () => {
    expect(twoStepItem(null)).toMatchObject({ status: "todo", label: "Not signed in" });
  });
  it("is shown by the sign-in only when the token said mfa", () => {
    expect(twoStepItem(account({ mfa: { verified: true, userConfirmed: null, text: "" } }))).toMatchObject({ status: "done", label: "Shown by the sign-in" });
  });
  it("says 'not known', never 'off', without evidence (Microsoft does not tell apps)", () => {
    const item = twoStepItem(account());
    expect(item).toMatchObject({ status: "attention", label: "Not known" });
    expect(item.detail).not.toMatch(/\boff\b/);
    expect(item.detail).toContain("Microsoft does not tell apps");
  });
  it("records the user's word as theirs, never as verified", () => {
    const item = twoStepItem(account({ mfa: { verified: false, userConfirmed: "2026-03-01", text: "" } }));
    expect(item).toMatchObject({ status: "done", label: "On (you said so)" });
    expect(item.detail).toContain("2026-03-01");
    expect(`${item.label} ${item.detail}`).not.toMatch(/verified/i);
  });
  it("sends work or school accounts to their own security page", () => {
    expect(securityPage(account({ kind: "workOrSchool" })).url).toBe("https://mysignins.microsoft.com/security-info");
    expect(securityPage(account()).url).toBe("https://account.microsoft.com/security");
    expect(securityPage(null).url).toBe("https://account.microsoft.com/security");
  });
  it("asks to sign in again when the sign-in expired", () => {
    expect(twoStepItem(account({ needsSignIn: true }))).toMatchObject({ status: "unknown", label: "Sign in again" });
  });
  it("follows the active account", () => {
    const a = account({ id: "a", active: false });
    const b = account({ id: "b", active: true, mfa: { verified: false, userConfirmed: null, text: "" } });
    expect(activeAccount([a, b])?.id).toBe("b");
    expect(activeAccount([])).toBeNull();
  });
});

describe("e-mail on every publish and Trusted Publishing", () => {
  it("are ticked off by the user", () => {
    expect(emailItem(setup)).toMatchObject({ status: "todo" });
    expect(emailItem(setup).detail).toContain("turns this on for new accounts");
    expect(emailItem({ ...setup, emailOnPublish: true })).toMatchObject({ status: "done", label: "Confirmed" });
    // Per account once signed in: the global tick does not speak for an account.
    expect(emailItem({ ...setup, emailOnPublish: true }, account())).toMatchObject({ status: "todo" });
    expect(emailItem(setup, account({ publishEmailConfirmed: true }))).toMatchObject({ status: "done" });
    expect(trustedPublishingItem(setup)).toMatchObject({ status: "info", label: "Recommended for CI" });
    expect(trustedPublishingItem({ ...setup, trustedPublishingSeen: true })).toMatchObject({ status: "done" });
  });
});

describe("a safe API key", () => {
  it("is to do without a nuget.org key", () => {
    expect(apiKeyItem([])).toMatchObject({ status: "todo", label: "No key yet" });
    expect(apiKeyItem([key({ source: "contoso" })])).toMatchObject({ status: "todo" });
  });
  it("is done for a limited key with a distant expiry, shown by its last four characters only", () => {
    const item = apiKeyItem([key({ source: "NuGet.org" })]);
    expect(item).toMatchObject({ status: "done", label: "Saved" });
    expect(item.detail).toContain("••••defg");
    expect(maskedKey(key({ last4: null }))).toBe("••••••••");
  });
  it("asks for a glob pattern when the key can push every package", () => {
    expect(apiKeyItem([key({ glob: null })])).toMatchObject({ status: "attention", label: "Not limited" });
  });
  it("warns from ten days before expiry, and once expired", () => {
    expect(apiKeyItem([key({ expiresInDays: 11 })]).status).toBe("done");
    expect(apiKeyItem([key({ expiresInDays: 10, expiresSoon: true })])).toMatchObject({ status: "attention", label: "Expires soon" });
    expect(apiKeyItem([key({ expiresInDays: 5, expiresSoon: true, expires: "2026-03-06" })]).detail).toContain("in 5 days (2026-03-06)");
    expect(apiKeyItem([key({ expiresInDays: 1, expiresSoon: true })]).detail).toContain("tomorrow");
    expect(apiKeyItem([key({ expiresInDays: 0, expiresSoon: true })]).detail).toContain("today");
    expect(apiKeyItem([key({ expiresInDays: -3, expiresSoon: true })])).toMatchObject({ status: "attention", label: "Expired" });
  });
  it("flags a key removed from the keyring outside Nupub", () => {
    expect(apiKeyItem([key({ inStore: false, last4: null })])).toMatchObject({ status: "attention", label: "Missing" });
  });
  it("is done without an expiry date, asking for one", () => {
    const item = apiKeyItem([key({ expires: null, expiresInDays: null })]);
    expect(item.status).toBe("done");
    expect(item.detail).toContain("Add its expiry date");
  });
});

describe("no keys in files", () => {
  const scan = (findings: number, files = 2, unreadable = 0) => ({
    files: Array.from({ length: files }, (_, i) => `/home/u/f${i}.config`),
    findings: Array.from({ length: findings }, (_, i) => ({
      path: "/home/u/NuGet.Config",
      source: "Contoso",
      element: "packageSourceCredentials/Contoso/add[@key='ClearTextPassword']",
      line: 10 + i,
      kind: "clearTextPassword" as const,
    })),
    unreadable: Array.from({ length: unreadable }, () => ({ path: "/x", reason: "it is not valid XML" })),
  });
  it("is checking until the scan ends", () => {
    expect(noKeysInFilesItem({ status: "idle" }).status).toBe("unknown");
    expect(noKeysInFilesItem({ status: "scanning" }).label).toBe("Checking…");
  });
  it("needs attention for each secret found", () => {
    expect(noKeysInFilesItem({ status: "done", scan: scan(1) })).toMatchObject({ status: "attention", label: "1 secret in a file" });
    expect(noKeysInFilesItem({ status: "done", scan: scan(3) }).label).toBe("3 secrets in files");
  });
  it("is done when the files are clean, naming unreadable ones", () => {
    expect(noKeysInFilesItem({ status: "done", scan: scan(0) })).toMatchObject({ status: "done", detail: "No clear-text secrets in the 2 nuget.config files NuGet reads." });
    // A file that could not be read is never an all-clear.
    expect(noKeysInFilesItem({ status: "done", scan: scan(0, 1, 1) })).toMatchObject({ status: "attention", label: "Not all checked" });
    expect(noKeysInFilesItem({ status: "done", scan: scan(0, 0) }).detail).toContain("no nuget.config file");
  });
  it("reports a failed scan plainly", () => {
    const item = noKeysInFilesItem({ status: "error", error: { code: "onboarding.task_failed", message: "Nupub stopped", hint: null } });
    expect(item).toMatchObject({ status: "unknown", label: "Not checked", detail: "Nupub stopped" });
  });
});

describe("expiry dates", () => {
  it("counts whole UTC days like the core", () => {
    const today = new Date(Date.UTC(2026, 1, 27, 23, 30));
    expect(dateAfter(1, today)).toBe("2026-02-28");
    expect(dateAfter(2, today)).toBe("2026-03-01");
    expect(dateAfter(365, today)).toBe("2027-02-27");
  });
});

describe("the last setup step", () => {
  it("lists every open item, so 'You're set' never hides one", () => {
    const items = [twoStepItem(account()), emailItem({ step: "done", finished: false, skipped: false, emailOnPublish: false, trustedPublishingSeen: false, saved: true }, account()), apiKeyItem([key({ expiresInDays: 5, expiresSoon: true })])];
    expect(openItems(items).map((i) => i.id)).toEqual(["twoStep", "emailOnPublish", "apiKey"]);
    expect(openItems([apiKeyItem([key()])])).toEqual([]);
  });
});
