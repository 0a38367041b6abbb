import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import FeedStep from "./feed/FeedStep.svelte";
import ConfirmStep from "./confirm/ConfirmStep.svelte";
import PublishStep from "./publish/PublishStep.svelte";
import { ackKey, confirmPhrase, describeEvent, keyStatus } from "./feed/feeds";
import { phraseMatches } from "../lib/phrase";
import { opened } from "../testing/opened";
import type { FeedChoice } from "../bindings/FeedChoice";
import type { FeedList } from "../bindings/FeedList";
import type { Finding } from "../bindings/Finding";
import type { PushReport } from "../bindings/PushReport";
import type { Plan } from "../bindings/Plan";
import type { Outcome } from "../bindings/Outcome";
import type { ErrorInfo } from "../bindings/ErrorInfo";

type Args = Record<string, unknown>;
let calls: { cmd: string; args: Args }[] = [];
function serve(handlers: Record<string, (args: Args) => unknown>) {
  mockIPC(
    (cmd, args) => {
      calls.push({ cmd, args: (args ?? {}) as Args });
      const handler = handlers[cmd];
      if (!handler) throw new Error(`unmocked command ${cmd}`);
      return handler((args ?? {}) as Args);
    },
    { shouldMockEvents: true },
  );
}

function feed(over: Partial<FeedChoice> = {}): FeedChoice {
  return {
    id: "/home/u/.local/share/nupub/feed",
    name: "Local feed",
    kind: "local",
    location: "/home/u/.local/share/nupub/feed",
    isDefaultLocal: true,
    needsKey: false,
    keyNeed: over.needsKey ? "usually" : "none",
    hasKey: false,
    keyOrigin: "none",
    keyExpires: null,
    keyExpiresInDays: null,
    keyExpiresSoon: false,
    origin: null,
    target: "local",
    ...over,
  };
}
const nugetOrg = feed({
  id: "nuget.org",
  name: "nuget.org",
  kind: "nugetOrg",
  target: "nuget.org",
  location: "https://api.nuget.org/v3/index.json",
  isDefaultLocal: false,
  needsKey: true,
  keyNeed: "required",
  hasKey: true,
  keyOrigin: "keyring",
  keyExpires: "2026-12-01",
  keyExpiresInDays: 7,
  keyExpiresSoon: true,
});
const company = feed({ id: "company", name: "company", kind: "v3", target: "generic", location: "https://pkgs.example/v3/index.json", isDefaultLocal: false, needsKey: true });

function finding(severity: "error" | "warning", over: Partial<Finding> = {}): Finding {
  return { code: `x.${severity}`, severity, title: severity, message: `a ${severity} message`, hint: null, serverMessage: null, path: null, docs: null, ...over };
}
/** The core's plan for My.Lib 1.2.3; warnings become acknowledgements as the core makes them. */
function planResult(f: FeedChoice, over: Partial<Plan> = {}): Plan {
  const findings = over.findings ?? [];
  const feedFindings = over.feedFindings ?? [];
  const acks = [...findings.map((x) => [x, false] as const), ...feedFindings.map((x) => [x, true] as const)]
    .filter(([x]) => x.severity === "warning")
    .map(([x, fromFeed]) => ({ key: [x.code, x.path ?? "", x.message].join("\u0000"), finding: x, fromFeed }));
  const blockers: ErrorInfo[] = [...findings, ...feedFindings].some((x) => x.severity === "error") ? [{ code: "publish.blocked_by_checks", message: "errors", hint: null }] : [];
  const plan: Plan = {
    package: { path: "/p/My.Lib.1.2.3.nupkg", fileName: "My.Lib.1.2.3.nupkg", id: "My.Lib", version: "1.2.3", size: 1000 },
    feed: { name: f.name, label: f.name, kind: f.kind, location: f.location, target: f.target, isFolder: f.kind === "local" },
    key: {
      need: f.keyNeed,
      origin: f.needsKey ? "keyring" : "notNeeded",
      present: f.needsKey,
      feedCredentials: false,
      storeAs: f.name,
      storedAs: f.needsKey ? f.name : null,
      expires: f.keyExpires,
      expiresInDays: f.keyExpiresInDays,
      expiresSoon: f.keyExpiresSoon,
      note: null,
    },
    feedAsked: true,
    reachable: true,
    reachError: null,
    version: "absent",
    versionDetail: null,
    findings,
    feedFindings,
    notes: [],
    changes: null,
    changesHeadline: null,
    symbols: { status: "none" },
    blockers,
    acknowledgements: acks,
    confirmation: f.kind === "nugetOrg" ? "My.Lib 1.2.3" : null,
    status: "ready",
    ...over,
  };
  plan.status = plan.blockers.length > 0 ? "blocked" : plan.acknowledgements.length > 0 || plan.confirmation ? "needsConsent" : "ready";
  return plan;
}
function outcome(report: PushReport): Outcome {
  return { report, credential: "keyring", keyReminder: null, note: null };
}
function pushReport(over: Partial<PushReport> = {}): PushReport {
  return {
    feed: "nuget.org",
    id: "My.Lib",
    version: "1.2.3",
    answerLost: false,
    visibility: "available",
    warnings: [],
    keyWarning: null,
    symbols: { status: "none" },
    location: null,
    attempts: 1,
    ...over,
  };
}

beforeEach(() => {
  calls = [];
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("publish helpers", () => {
  it("accepts only the exact `Id Version` phrase (id case-insensitive)", () => {
    expect(confirmPhrase("My.Lib", "1.2.3")).toBe("My.Lib 1.2.3");
    expect(phraseMatches("My.Lib 1.2.3", confirmPhrase("My.Lib", "1.2.3"))).toBe(true);
    expect(phraseMatches("  my.lib   1.2.3 ", confirmPhrase("My.Lib", "1.2.3"))).toBe(true);
    expect(phraseMatches("My.Lib 1.2.4", confirmPhrase("My.Lib", "1.2.3"))).toBe(false);
    expect(phraseMatches("My.Lib", confirmPhrase("My.Lib", "1.2.3"))).toBe(false);
    expect(phraseMatches("My.Lib 1.2.3 extra", confirmPhrase("My.Lib", "1.2.3"))).toBe(false);
    expect(phraseMatches("", confirmPhrase("My.Lib", "1.2.3"))).toBe(false);
  });

  it("describes keys without ever showing one", () => {
    expect(keyStatus(feed()).text).toBe("No key needed");
    expect(keyStatus(company)).toEqual({ text: "No API key stored", tone: "warn" });
    expect(keyStatus(nugetOrg)).toEqual({ text: `API key expires in 7 days (${nugetOrg.keyExpires})`, tone: "warn" });
    expect(keyStatus({ ...nugetOrg, keyExpiresInDays: 0 }).text).toBe(`API key expires today (${nugetOrg.keyExpires})`);
    expect(keyStatus({ ...nugetOrg, keyExpires: null }).text).toBe("API key expires in 7 days");
    expect(keyStatus({ ...nugetOrg, keyExpiresInDays: -2, keyExpires: "2026-01-01" }).text).toBe("API key expired on 2026-01-01");
    expect(keyStatus({ ...nugetOrg, keyExpiresInDays: 200, keyExpiresSoon: false }).tone).toBe("ok");
  });

  it("describes progress and when cancelling stops being possible", () => {
    const up = describeEvent({ kind: "uploading", file: "a.nupkg", sentBytes: 500_000n, totalBytes: 1_000_000n, bytesPerSecond: 250_000, etaSeconds: 2 });
    expect(up.fraction).toBe(0.5);
    expect(up.line).toBe("500 kB of 1.0 MB at 250 kB/s, about 2 s left");
    expect(up.cancellable).toBe(true);
    expect(describeEvent({ kind: "sent", file: "a.nupkg" }).cancellable).toBe(false);
    // A zero-byte total never divides by zero.
    expect(describeEvent({ kind: "uploading", file: "a", sentBytes: 0n, totalBytes: 0n, bytesPerSecond: 0, etaSeconds: null }).fraction).toBe(1);
    // Before Rust has a meaningful rate: "measuring", never "0 B/s" or a burst's speed.
    const early = describeEvent({ kind: "uploading", file: "a.nupkg", sentBytes: 4_000_000n, totalBytes: 50_000_000n, bytesPerSecond: 0, etaSeconds: null });
    expect(early.line).toBe("4.0 MB of 50.0 MB, measuring the speed…");
    expect(early.fraction).toBe(0.08);
  });

  it("says the package is being checked again before anything is sent, and that it can still be cancelled", () => {
    const view = describeEvent({ kind: "verifying", file: "My.Lib.1.2.3.nupkg" });
    expect(view).toEqual({ fraction: null, line: "Checking the package again before sending…", cancellable: true });
  });
});

describe("the Feed step", () => {
  it("lists the feeds with their key state and suggests the local feed before nuget.org", async () => {
    const list: FeedList = { feeds: [feed(), company, nugetOrg], warnings: ["nuget.config: source 'old' is disabled"], keyringError: null };
    serve({ list_feeds: () => list });
    const chosen: FeedChoice[] = [];
    render(FeedStep, { packagePath: "/p/My.Lib.1.2.3.nupkg", selected: null, onChoose: (f: FeedChoice) => chosen.push(f) });
    await screen.findByTestId("feed-local");
    expect(calls[0]).toEqual({ cmd: "list_feeds", args: { packagePath: "/p/My.Lib.1.2.3.nupkg" } });
    const order = [...document.querySelectorAll("label.feed-option")].map((e) => e.getAttribute("data-testid"));
    expect(order).toEqual(["feed-local", "feed-company", "feed-nuget-org"]);
    // The try-local suggestion comes right before nuget.org.
    const tryLocal = screen.getByTestId("try-local");
    expect(tryLocal.nextElementSibling?.getAttribute("data-testid")).toBe("feed-nuget-org");
    expect(screen.getByTestId("feed-company").textContent).toContain("No API key stored");
    expect(screen.getByTestId("feed-nuget-org").textContent).toContain("API key expires in 7 days");
    expect(screen.getByTestId("config-warning").textContent).toContain("disabled");
    // The local feed is chosen by default; choosing nuget.org, then the suggestion, returns to it.
    await fireEvent.click(screen.getByTestId("feed-nuget-org").querySelector("input") as HTMLInputElement);
    await fireEvent.click(screen.getByTestId("choose-local"));
    await fireEvent.click(screen.getByTestId("feed-next"));
    expect(chosen.map((f) => f.id)).toEqual([feed().id]);
  });

  it("shows a listing failure as {code, message, hint}", async () => {
    serve({
      list_feeds: () => {
        throw { code: "feed.config_unreadable", message: "/home/u/.nuget/NuGet/NuGet.Config is not valid XML", hint: "fix or remove the file" };
      },
    });
    render(FeedStep, { packagePath: "/p/a.nupkg", selected: null, onChoose: () => {} });
    const error = await screen.findByTestId("error");
    expect(error.getAttribute("data-code")).toBe("feed.config_unreadable");
    expect(error.textContent).toContain("NuGet.Config is not valid XML");
    expect(screen.queryByTestId("feed-next")).toBeNull();
  });

  it("says when the keyring cannot be read, and still lists the feeds", async () => {
    serve({ list_feeds: () => ({ feeds: [feed(), nugetOrg], warnings: [], keyringError: { code: "account.no_secret_store", message: "No keyring answered", hint: null } }) });
    render(FeedStep, { packagePath: "/p/a.nupkg", selected: null, onChoose: () => {} });
    expect((await screen.findByTestId("keyring-note")).textContent).toContain("No keyring answered");
    expect(screen.getByTestId("feed-nuget-org")).toBeTruthy();
  });
});

describe("the Confirm step", () => {
  const pkg = opened();
  const consents: unknown[] = [];
  const onPublish = (consent: unknown, key: string | null) => consents.push({ consent, key });
  beforeEach(() => (consents.length = 0));
  function confirm(f: FeedChoice, over: Partial<Plan> = {}, acknowledged: Record<string, true> = {}) {
    serve({ plan_publish: () => planResult(f, over) });
    render(ConfirmStep, { opened: pkg, feed: f, acknowledged, onCancel: () => {}, onPublish, onReviewChecks: () => {} });
  }
  const publishButton = () => screen.getByTestId("confirm-publish") as HTMLButtonElement;

  it("for nuget.org: warns that versions are permanent, focuses the step's heading and enables Publish only after `Id Version`", async () => {
    confirm(nugetOrg);
    await waitFor(() => expect(screen.getByTestId("summary-checks").textContent).toContain("No errors or warnings"));
    expect(calls.find((c) => c.cmd === "plan_publish")?.args).toEqual({ path: pkg.path, feed: "nuget.org", key: null });
    expect(screen.getByTestId("nuget-org-warning").textContent).toContain("nuget.org never deletes a version; you could only unlist it");
    expect(document.activeElement?.id).toBe("confirm-title");
    expect(publishButton().disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("confirm-phrase"), { target: { value: "My.Lib 1.2.4" } });
    expect(publishButton().disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("confirm-phrase"), { target: { value: "My.Lib 1.2.3" } });
    expect(publishButton().disabled).toBe(false);
    await fireEvent.click(publishButton());
    expect(consents).toEqual([{ consent: { acknowledged: [], typed: "My.Lib 1.2.3" }, key: null }]);
    expect(screen.getByTestId("summary-package").textContent).toBe("My.Lib 1.2.3");
    expect(screen.getByTestId("summary-key").textContent).toBe(`API key expires in 7 days (${nugetOrg.keyExpires})`);
  });

  it("blocks publishing while the checks for this feed have errors", async () => {
    confirm(nugetOrg, { findings: [finding("error", { message: "The license file license.txt is missing" })] });
    expect((await screen.findByTestId("confirm-blocked")).textContent).toContain("The license file license.txt is missing");
    await fireEvent.input(screen.getByTestId("confirm-phrase"), { target: { value: "My.Lib 1.2.3" } });
    expect(publishButton().disabled).toBe(true);
  });

  it("keeps Publish off until every warning of the checks is acknowledged, then sends the acknowledgements", async () => {
    const w = finding("warning");
    const other = finding("warning", { code: "y.other", message: "other" });
    const acknowledged = { [ackKey(pkg.path, "local", w)]: true as const };
    confirm(feed(), { findings: [w, other] }, acknowledged);
    await waitFor(() => expect(screen.getByTestId("summary-checks").textContent).toContain("1 of 2 warnings acknowledged"));
    expect(screen.queryByTestId("nuget-org-warning")).toBeNull();
    expect(screen.getByTestId("unacknowledged-note").textContent).toContain("1 warning has not been read and acknowledged, so Publish stays off");
    expect(publishButton().disabled).toBe(true);
    cleanup();
    const both = { ...acknowledged, [ackKey(pkg.path, "local", other)]: true as const };
    confirm(feed(), { findings: [w, other] }, both);
    await waitFor(() => expect(publishButton().disabled).toBe(false));
    await fireEvent.click(publishButton());
    expect(consents).toEqual([{ consent: { acknowledged: ["x.warning\u0000\u0000a warning message", "y.other\u0000\u0000other"], typed: null }, key: null }]);
  });

  it("blocks an existing version before any upload, with the new-version guidance, and never says the way is clear", async () => {
    confirm(feed(), { version: "present", blockers: [{ code: "feed.push.version_exists", message: "My.Lib 1.2.3 already exists on Local feed", hint: "raise the version number" }] });
    const blocked = await screen.findByTestId("preflight-exists");
    expect(blocked.textContent).toContain("My.Lib 1.2.3 is already on Local feed");
    expect(blocked.textContent).toContain("Raise the version number");
    expect(screen.queryByTestId("preflight-nothing")).toBeNull();
    expect(publishButton().disabled).toBe(true);
  });

  it("shows an unreachable feed's error but lets the user try", async () => {
    confirm(company, {
      reachable: false,
      version: "unknown",
      reachError: { code: "feed.index_unreachable", message: "https://pkgs.example/v3/index.json did not answer", hint: "check the address" },
    });
    expect((await screen.findByTestId("error")).getAttribute("data-code")).toBe("feed.index_unreachable");
    expect(screen.getByTestId("summary-preflight").textContent).toContain("did not answer");
    expect(screen.getByTestId("preflight-unreachable").textContent).toContain("Nupub could not reach company, so it cannot tell whether My.Lib 1.2.3 is there already");
    await waitFor(() => expect(publishButton().disabled).toBe(false));
  });

  const signedToUnsigned = finding("warning", {
    code: "sign.signed_to_unsigned",
    title: "Previous version was signed, this one is not",
    message: "My.Lib 1.2.2 on company was author-signed; 1.2.3 is not signed.",
    serverMessage: "The previous package version '1.2.2' is author signed but the uploaded package is unsigned. To avoid this warning, sign the package before uploading.",
    path: ".signature.p7s",
  });

  it("holds the preflight panel's place while the feed is asked", async () => {
    let answer: (p: Plan) => void = () => {};
    serve({ plan_publish: () => new Promise<Plan>((resolve) => (answer = resolve)) });
    render(ConfirmStep, { opened: pkg, feed: company, acknowledged: {}, onCancel: () => {}, onPublish, onReviewChecks: () => {} });
    const panel = screen.getByTestId("preflight-panel");
    expect(panel.getAttribute("aria-busy")).toBe("true");
    expect(screen.getByTestId("preflight-checking").textContent).toContain("Asking company about My.Lib");
    expect(publishButton().disabled).toBe(true);
    answer(planResult(company));
    expect(await screen.findByTestId("preflight-nothing")).toBeTruthy();
    // The same element, answered: nothing was inserted above the actions.
    expect(screen.getByTestId("preflight-panel")).toBe(panel);
    expect(panel.getAttribute("aria-busy")).toBe("false");
  });

  it("warns that the previous version was signed, with nuget.org's words, and publishes once acknowledged", async () => {
    confirm(company, { feedFindings: [signedToUnsigned] });
    const card = await screen.findByText(/was author-signed/);
    const article = card.closest("article") as HTMLElement;
    expect(article.getAttribute("data-code")).toBe("sign.signed_to_unsigned");
    expect(article.querySelector("[data-testid=finding-server]")?.textContent).toContain("is author signed but the uploaded package is unsigned");
    await waitFor(() => expect(screen.getByTestId("summary-checks").textContent).toContain("No errors or warnings"));
    expect(publishButton().disabled).toBe(true);
    await fireEvent.click(screen.getByTestId("preflight-acknowledge"));
    expect(publishButton().disabled).toBe(false);
    await fireEvent.click(publishButton());
    expect(consents).toHaveLength(1);
    // Unticking takes the acknowledgement back.
    await fireEvent.click(screen.getByTestId("preflight-acknowledge"));
    expect(publishButton().disabled).toBe(true);
  });

  it("shows the id's owners as a note that does not block", async () => {
    const owners = finding("warning", { code: "id.owners", severity: "info", title: "The id already has owners", message: "My.Lib already exists on nuget.org; its owners are ann, contoso." });
    confirm(nugetOrg, { feedFindings: [owners] });
    const article = (await screen.findByText(/its owners are ann, contoso/)).closest("article") as HTMLElement;
    expect(article.getAttribute("data-severity")).toBe("info");
    expect(screen.queryByTestId("preflight-acknowledge")).toBeNull();
    await waitFor(() => expect(screen.getByTestId("summary-checks").textContent).toContain("No errors or warnings"));
    await fireEvent.input(screen.getByTestId("confirm-phrase"), { target: { value: "My.Lib 1.2.3" } });
    expect(publishButton().disabled).toBe(false);
  });

  it("blocks a feed-fact error such as a prefix reserved by someone else", async () => {
    const reserved = finding("error", { code: "id.reserved_prefix", title: "Reserved prefix", message: "My.Lib is inside a prefix reserved on nuget.org by someone else, so the push will be refused." });
    confirm(nugetOrg, { feedFindings: [reserved] });
    expect((await screen.findByText(/reserved on nuget.org by someone else/)).closest("article")?.getAttribute("data-severity")).toBe("error");
    await fireEvent.input(screen.getByTestId("confirm-phrase"), { target: { value: "My.Lib 1.2.3" } });
    expect(publishButton().disabled).toBe(true);
  });

  it("blocks a bad symbol package and lists each of its errors as {code, message, hint}", async () => {
    confirm(company, {
      symbols: {
        status: "invalid",
        file: "/p/My.Lib.1.2.3.snupkg",
        errors: [
          { code: "symbols.no_pdb", message: "My.Lib.1.2.3.snupkg holds no .pdb file", hint: "pack with <IncludeSymbols> and <SymbolPackageFormat>snupkg" },
          { code: "symbols.package_type", message: "My.Lib.1.2.3.snupkg does not declare the SymbolsPackage type", hint: null },
        ],
      },
      blockers: [{ code: "feed.symbols_invalid", message: "refused", hint: null }],
    });
    const block = await screen.findByTestId("preflight-symbols");
    expect(block.textContent).toContain("The symbol package My.Lib.1.2.3.snupkg would be refused");
    expect(block.textContent).toContain("Publish is blocked");
    const codes = [...block.querySelectorAll("[data-testid=error]")].map((e) => e.getAttribute("data-code"));
    expect(codes).toEqual(["symbols.no_pdb", "symbols.package_type"]);
    expect(block.textContent).toContain("How to fix it: pack with <IncludeSymbols>");
    expect(screen.getByTestId("summary-symbols").textContent).toContain("My.Lib.1.2.3.snupkg would be refused");
    expect(publishButton().disabled).toBe(true);
  });

  it("says on Confirm what the result will say about the symbol package", async () => {
    confirm(feed(), { symbols: { status: "notSupported", file: "/p/My.Lib.1.2.3.snupkg" } });
    await waitFor(() => expect(screen.getByTestId("summary-symbols").textContent).toBe("My.Lib.1.2.3.snupkg stays here: Local feed takes no symbol packages"));
    cleanup();
    confirm(company, { symbols: { status: "willSend", file: "/p/My.Lib.1.2.3.snupkg" } });
    await waitFor(() => expect(screen.getByTestId("summary-symbols").textContent).toBe("My.Lib.1.2.3.snupkg goes too"));
  });

  it("shows what the release changes since the feed's previous version, and a bump that is too small as a warning to acknowledge", async () => {
    const bump = finding("warning", { code: "version.bump_too_small", message: "My.Lib 1.2.3 is a patch bump over 1.2.2, but the changes need a major bump" });
    const headline = "Since 1.2.2: 1 breaking change; needs a major bump, 1.2.3 is a patch bump (publish it as 2.0.0)";
    confirm(company, { changesHeadline: headline, feedFindings: [bump] });
    await waitFor(() => expect(screen.getByTestId("summary-changes").textContent).toBe(headline));
    expect(screen.getByTestId("preflight-panel").textContent).toContain("the changes need a major bump");
    expect(publishButton().disabled).toBe(true);
  });

  it("shows no changes row when the feed had nothing to compare with", async () => {
    confirm(company);
    await waitFor(() => expect(screen.getByTestId("summary-key")).toBeTruthy());
    expect(screen.queryByTestId("summary-changes")).toBeNull();
  });

  it("warns when the key expires soon, with the date and the days left", async () => {
    confirm(company, { key: { ...planResult(company).key, expires: "2026-11-27", expiresInDays: 3, expiresSoon: true } });
    await waitFor(() => expect(screen.getByTestId("summary-key").textContent).toBe("API key expires in 3 days (2026-11-27)"));
    expect(screen.getByTestId("preflight-panel").textContent).not.toContain("expires");
    expect(screen.getByTestId("preflight-nothing")).toBeTruthy();
    expect(screen.queryByTestId("confirm-key-form")).toBeNull();
    await waitFor(() => expect(publishButton().disabled).toBe(false), { timeout: 2000 });
  });

  it("asks for a missing key on the spot, keeps it in the keyring for that feed, and plans again", async () => {
    let stored = false;
    const missing = { ...planResult(company).key, present: false, origin: "none" as const, storedAs: null };
    serve({
      plan_publish: () => (stored ? planResult(company) : planResult(company, { key: missing, blockers: [{ code: "publish.key_missing", message: "company needs an API key", hint: null }] })),
      store_feed_key: () => {
        stored = true;
        return "company";
      },
    });
    render(ConfirmStep, { opened: pkg, feed: company, acknowledged: {}, onCancel: () => {}, onPublish, onReviewChecks: () => {} });
    const form = await screen.findByTestId("confirm-key-form");
    expect(form.textContent).toContain("No API key for company");
    expect(publishButton().disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("confirm-key"), { target: { value: "secret-key-1" } });
    await fireEvent.click(screen.getByTestId("confirm-key-use"));
    await waitFor(() => expect(calls.find((c) => c.cmd === "store_feed_key")?.args).toMatchObject({ path: pkg.path, feed: "company", key: "secret-key-1" }));
    await waitFor(() => expect(screen.queryByTestId("confirm-key-form")).toBeNull());
    expect(calls.filter((c) => c.cmd === "plan_publish")).toHaveLength(2);
    await waitFor(() => expect(publishButton().disabled).toBe(false));
    // The key is never shown back.
    expect(document.body.textContent).not.toContain("secret-key-1");
  });

  it("says plainly what the feed could not be asked, without blocking", async () => {
    const note = "company did not tell Nupub about the owners of My.Lib and its earlier versions within 30 s, so that was not checked.";
    confirm(company, { notes: [note] });
    expect((await screen.findByTestId("preflight-notes")).textContent).toBe(note);
    expect(screen.queryByTestId("preflight-nothing")).toBeNull();
    await waitFor(() => expect(publishButton().disabled).toBe(false));
  });

  it("keeps Publish disabled when the plan cannot be made", async () => {
    serve({
      plan_publish: () => {
        throw { code: "package.unreadable", message: "My.Lib.1.2.3.nupkg cannot be read", hint: "open it again" };
      },
    });
    render(ConfirmStep, { opened: pkg, feed: feed(), acknowledged: {}, onCancel: () => {}, onPublish, onReviewChecks: () => {} });
    expect((await screen.findByTestId("error")).getAttribute("data-code")).toBe("package.unreadable");
    expect(publishButton().disabled).toBe(true);
  });
});

describe("the Publish step", () => {
  const pkg = opened();
  const consent = { acknowledged: ["k"], typed: "My.Lib 1.2.3" };

  it("shows progress from the push events, offers Cancel until sent, then the result and the feed's warnings", async () => {
    let finish: (r: Outcome) => void = () => {};
    serve({
      publish: () => new Promise<Outcome>((resolve) => (finish = resolve)),
      cancel_publish: () => true,
    });
    render(PublishStep, { opened: pkg, feed: nugetOrg, consent, onDone: () => {}, onChooseFeed: () => {} });
    await waitFor(() => expect(calls.some((c) => c.cmd === "publish")).toBe(true));
    expect(calls.find((c) => c.cmd === "publish")?.args).toEqual({ path: pkg.path, feed: "nuget.org", consent, key: null });
    await emit("publish:progress", { kind: "uploading", file: "My.Lib.1.2.3.nupkg", sentBytes: 250, totalBytes: 1000, bytesPerSecond: 1000, etaSeconds: 1 });
    await waitFor(() => expect(screen.getByTestId("progress-line").textContent).toContain("250 B of 1.0 kB"));
    expect((screen.getByRole("progressbar") as HTMLProgressElement).value).toBe(25);
    expect((screen.getByTestId("publish-cancel") as HTMLButtonElement).disabled).toBe(false);
    await emit("publish:progress", { kind: "sent", file: "My.Lib.1.2.3.nupkg" });
    await waitFor(() => expect((screen.getByTestId("publish-cancel") as HTMLButtonElement).disabled).toBe(true));
    finish(outcome(pushReport({ warnings: ["Your API key expires in 5 days."] })));
    expect((await screen.findByTestId("result-published")).textContent).toContain("My.Lib 1.2.3 is on nuget.org");
    expect(screen.getByTestId("result-warnings").textContent).toContain("Your API key expires in 5 days.");
    // The core saved what the feed said about the key: the window does not write it again.
    expect(calls.some((c) => c.cmd === "note_push_warnings")).toBe(false);
  });

  it("says it is checking the package again before sending, then shows the upload measuring its speed", async () => {
    serve({ publish: () => new Promise<Outcome>(() => {}), cancel_publish: () => true });
    render(PublishStep, { opened: pkg, feed: nugetOrg, consent, onDone: () => {}, onChooseFeed: () => {} });
    await waitFor(() => expect(calls.some((c) => c.cmd === "publish")).toBe(true));
    expect(screen.getByTestId("progress-line").textContent).toBe("Starting…");
    await emit("publish:progress", { kind: "verifying", file: "My.Lib.1.2.3.nupkg" });
    await waitFor(() => expect(screen.getByTestId("progress-line").textContent).toBe("Checking the package again before sending…"));
    expect(screen.getByRole("progressbar").hasAttribute("value")).toBe(false);
    expect((screen.getByTestId("publish-cancel") as HTMLButtonElement).disabled).toBe(false);
    await emit("publish:progress", { kind: "uploading", file: "My.Lib.1.2.3.nupkg", sentBytes: 2_000_000, totalBytes: 10_000_000, bytesPerSecond: 0, etaSeconds: null });
    await waitFor(() => expect(screen.getByTestId("progress-line").textContent).toBe("2.0 MB of 10.0 MB, measuring the speed…"));
  });

  it("shows the Rust side's refusal when the checks block the publish", async () => {
    serve({
      publish: () => {
        throw { code: "publish.blocked_by_checks", message: "nuget.org would refuse My.Lib 1.2.3: the licence file is missing (and 1 more error)", hint: "nothing was sent. Open the Checks step for nuget.org, fix every error" };
      },
    });
    render(PublishStep, { opened: pkg, feed: nugetOrg, consent, onDone: () => {}, onChooseFeed: () => {} });
    expect((await screen.findByTestId("error")).getAttribute("data-code")).toBe("publish.blocked_by_checks");
    expect(screen.getByRole("heading").textContent).toBe("Not published");
    expect(screen.getByTestId("result-failed").textContent).toContain("the licence file is missing (and 1 more error)");
    expect(screen.queryByTestId("result-cancelled")).toBeNull();
  });

  it("after Cancel, says in words that nothing was published", async () => {
    let fail: (e: unknown) => void = () => {};
    serve({ publish: () => new Promise((_, reject) => (fail = reject)), cancel_publish: () => true });
    render(PublishStep, { opened: pkg, feed: company, consent, onDone: () => {}, onChooseFeed: () => {} });
    await emit("publish:progress", { kind: "uploading", file: "My.Lib.1.2.3.nupkg", sentBytes: 100, totalBytes: 1000, bytesPerSecond: 100, etaSeconds: 9 });
    await fireEvent.click(await screen.findByTestId("publish-cancel"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "cancel_publish")).toBe(true));
    expect(screen.getByTestId("publish-cancel").textContent).toContain("Cancelling");
    fail({ code: "feed.push.cancelled", message: "the push of My.Lib 1.2.3 to company was cancelled before the package was fully sent; nothing was published", hint: "push again when you are ready" });
    const said = await screen.findByTestId("result-cancelled");
    expect(said.textContent).toContain("Nothing was published.");
    expect(said.textContent).toContain("company does not have it");
    expect(said.getAttribute("data-code")).toBe("feed.push.cancelled");
    expect(screen.getByRole("heading").textContent).toBe("Cancelled");
    expect(screen.queryByTestId("error")).toBeNull();
  });

  it("unlists after a publish only once the user types `Id Version`, with Cancel focused", async () => {
    serve({ publish: () => outcome(pushReport({ feed: "company" })), set_listed: () => ({ feed: "company", id: "My.Lib", version: "1.2.3", listed: false, removed: null }) });
    render(PublishStep, { opened: pkg, feed: company, consent, onDone: () => {}, onChooseFeed: () => {} });
    await fireEvent.click(await screen.findByTestId("unlist-start"));
    expect(document.activeElement).toBe(screen.getByTestId("unlist-cancel"));
    const go = screen.getByTestId("unlist-go") as HTMLButtonElement;
    expect(go.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("unlist-phrase"), { target: { value: "My.Lib 1.2.3" } });
    expect(go.disabled).toBe(false);
    await fireEvent.click(go);
    expect((await screen.findByTestId("unlist-done")).textContent).toContain("My.Lib 1.2.3 is unlisted on company");
    expect(calls.find((c) => c.cmd === "set_listed")?.args).toEqual({ path: pkg.path, feed: "company", id: "My.Lib", version: "1.2.3", listed: false });
  });

  it("shows an unlist failure and never offers unlisting on a folder feed", async () => {
    serve({
      publish: () => outcome(pushReport({ feed: "company" })),
      set_listed: () => {
        throw { code: "feed.auth.key_refused", message: "company refused the API key for unlisting", hint: "use a key with the Unlist scope" };
      },
    });
    render(PublishStep, { opened: pkg, feed: company, consent, onDone: () => {}, onChooseFeed: () => {} });
    await fireEvent.click(await screen.findByTestId("unlist-start"));
    await fireEvent.input(screen.getByTestId("unlist-phrase"), { target: { value: "My.Lib 1.2.3" } });
    await fireEvent.click(screen.getByTestId("unlist-go"));
    expect((await screen.findByTestId("unlist-error")).textContent).toContain("Unlist scope");
    cleanup();
    serve({ publish: () => outcome(pushReport({ feed: "Local feed", location: "/f/my.lib/1.2.3" })) });
    render(PublishStep, { opened: pkg, feed: feed(), consent, onDone: () => {}, onChooseFeed: () => {} });
    expect((await screen.findByTestId("result-published")).textContent).toContain("/f/my.lib/1.2.3");
    expect(screen.queryByTestId("unlist-start")).toBeNull();
  });

  it("cancels through cancel_publish and says so", async () => {
    let fail: (e: unknown) => void = () => {};
    serve({
      publish: () => new Promise((_, reject) => (fail = reject)),
      cancel_publish: () => {
        fail({ code: "feed.push.cancelled", message: "The push of My.Lib.1.2.3.nupkg was cancelled", hint: "push again when ready" });
        return true;
      },
    });
    render(PublishStep, { opened: pkg, feed: feed(), consent, onDone: () => {}, onChooseFeed: () => {} });
    await fireEvent.click(await screen.findByTestId("publish-cancel"));
    await waitFor(() => expect(screen.getByTestId("publish-step").getAttribute("data-status")).toBe("cancelled"));
    expect(calls.some((c) => c.cmd === "cancel_publish")).toBe(true);
    expect(screen.getByTestId("result-cancelled").getAttribute("data-code")).toBe("feed.push.cancelled");
  });

  it("an existing version ends the flow with the new-version guidance", async () => {
    serve({
      publish: () => {
        throw { code: "feed.push.version_exists", message: "My.Lib 1.2.3 already exists on company", hint: "raise the version number" };
      },
    });
    let done = 0;
    render(PublishStep, { opened: pkg, feed: company, consent, onDone: () => done++, onChooseFeed: () => {} });
    const result = await screen.findByTestId("result-exists");
    expect(result.textContent).toContain("My.Lib 1.2.3 already exists on company");
    expect(result.textContent).toContain("Raise the version number");
    expect(screen.queryByTestId("result-back")).toBeNull();
    await fireEvent.click(screen.getByTestId("result-done"));
    expect(done).toBe(1);
  });

  it("any other failure shows {code, message, hint} and leads back to the feeds", async () => {
    serve({
      publish: () => {
        throw { code: "feed.auth.key_refused", message: "company refused the API key", hint: "create a new key with the Push scope" };
      },
    });
    let back = 0;
    render(PublishStep, { opened: pkg, feed: company, consent, onDone: () => {}, onChooseFeed: () => back++ });
    const error = await screen.findByTestId("error");
    expect(error.getAttribute("data-code")).toBe("feed.auth.key_refused");
    expect(error.textContent).toContain("create a new key with the Push scope");
    await fireEvent.click(screen.getByTestId("result-back"));
    expect(back).toBe(1);
  });
});
