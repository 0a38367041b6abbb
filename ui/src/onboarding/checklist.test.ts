import { describe, expect, it } from "vitest";
import {
  activeAccount,
  apiKeyItem,
  dateAfter,
  emailItem,
  maskedKey,
  noKeysInFilesItem,
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
    mfa: { verified: true, text: "two-step sign-in verified" },
    tenantId: "t",
    issuer: "https://login.example/t/v2.0",
    signedInAt: "2026-01-01T00:00:00Z",
    accessTokenExpiresAt: null,
    active: true,
    needsSignIn: false,
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
  it("is verified when the sign-in's amr has mfa", () => {
    expect(twoStepItem(account())).toMatchObject({ status: "done", label: "Verified" });
  });
  it("says 'not shown', never 'off', without mfa evidence", () => {
    const item = twoStepItem(account({ mfa: { verified: false, text: "not shown by the provider" } }));
    expect(item).toMatchObject({ status: "attention", label: "Not shown" });
    expect(item.detail).not.toMatch(/\boff\b/);
  });
  it("asks to sign in again when the sign-in expired", () => {
    expect(twoStepItem(account({ needsSignIn: true }))).toMatchObject({ status: "unknown", label: "Sign in again" });
  });
  it("follows the active account", () => {
    const a = account({ id: "a", active: false });
    const b = account({ id: "b", active: true, mfa: { verified: false, text: "" } });
    expect(activeAccount([a, b])?.id).toBe("b");
    expect(activeAccount([])).toBeNull();
  });
});

describe("e-mail on every publish and Trusted Publishing", () => {
  it("are ticked off by the user", () => {
    expect(emailItem(setup)).toMatchObject({ status: "todo" });
    expect(emailItem({ ...setup, emailOnPublish: true })).toMatchObject({ status: "done", label: "Turned on" });
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
    expect(apiKeyItem([key({ expiresInDays: 10 })])).toMatchObject({ status: "attention", label: "Expires soon" });
    expect(apiKeyItem([key({ expiresInDays: 5, expires: "2026-03-06" })]).detail).toContain("in 5 days (2026-03-06)");
    expect(apiKeyItem([key({ expiresInDays: 1 })]).detail).toContain("tomorrow");
    expect(apiKeyItem([key({ expiresInDays: 0 })]).detail).toContain("today");
    expect(apiKeyItem([key({ expiresInDays: -3 })])).toMatchObject({ status: "attention", label: "Expired" });
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
    expect(noKeysInFilesItem({ status: "done", scan: scan(0) })).toMatchObject({ status: "done", detail: "No clear-text secrets in 2 nuget.config files." });
    expect(noKeysInFilesItem({ status: "done", scan: scan(0, 1, 1) }).detail).toContain("(1 could not be read)");
    expect(noKeysInFilesItem({ status: "done", scan: scan(0, 0) }).detail).toContain("no nuget.config files");
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
