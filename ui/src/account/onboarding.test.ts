import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import KeyForm from "./KeyForm.svelte";
import Checklist from "./Checklist.svelte";
import Onboarding from "./Onboarding.svelte";
import KeyReminderBanner from "./KeyReminderBanner.svelte";
import App from "../App.svelte";
import AccountSettings from "./AccountSettings.svelte";
import { account, key } from "./checklist.test";
import type { OnboardingState } from "../bindings/OnboardingState";
import type { AccountOverview } from "../bindings/AccountOverview";

vi.mock("../lib/platform", async (importOriginal) => {
  const real = await importOriginal<typeof import("../lib/platform")>();
  return { ...real, listenForDrops: async () => () => {}, listenForOpenFiles: async () => () => {}, setWindowTitle: async () => {}, chooseFile: async () => null };
});

type Args = Record<string, unknown>;
let calls: { cmd: string; args: Args }[] = [];
function serve(handlers: Record<string, (args: Args) => unknown>) {
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Args });
    const handler = handlers[cmd];
    if (!handler) throw new Error(`unmocked command ${cmd}`);
    return handler((args ?? {}) as Args);
  }, { shouldMockEvents: true });
}

const SECRET = "oy2abcdefghijklmnopqrstuvwxyz0123456789abcdefg";
const fresh: OnboardingState = { step: "welcome", finished: false, skipped: false, emailOnPublish: false, trustedPublishingSeen: false, saved: false };
const emptyScan = { files: ["/home/u/.nuget/NuGet/NuGet.Config"], findings: [], unreadable: [] };
function overview(over: Partial<AccountOverview> = {}): AccountOverview {
  return { clientIdConfigured: true, accounts: { active: "alice.t", accounts: [account()] }, keys: [], reminders: [], ...over };
}

beforeEach(() => {
  calls = [];
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("the key form", () => {
  it("sends the key once, empties the field and shows only the last four characters", async () => {
    serve({ save_feed_key: () => key() });
    const onSaved = vi.fn();
    render(KeyForm, { onSaved });
    const input = screen.getByTestId("key-input") as HTMLInputElement;
    expect(input.type).toBe("password");
    expect(input.autocomplete).toBe("off");
    await fireEvent.input(input, { target: { value: SECRET } });
    await fireEvent.input(screen.getByTestId("key-glob"), { target: { value: "Contoso.*" } });
    await fireEvent.click(screen.getByTestId("key-save"));
    await screen.findByTestId("key-saved");
    const saved = calls.find((c) => c.cmd === "save_feed_key");
    expect(saved?.args.key).toBe(SECRET);
    expect(saved?.args.source).toBe("nuget.org");
    expect(saved?.args.metadata).toMatchObject({ scopes: ["pushVersion"], glob: "Contoso.*", owner: null });
    expect((saved?.args.metadata as { expires: string }).expires).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(input.value).toBe("");
    expect(screen.getByTestId("key-saved-mask").textContent).toBe("••••defg");
    expect(document.documentElement.outerHTML).not.toContain(SECRET);
    expect(onSaved).toHaveBeenCalledOnce();
  });

  it("empties the field on a refused key too, and shows the coded error", async () => {
    serve({
      save_feed_key: () => {
        throw { code: "onboarding.key_malformed", message: "the API key for nuget.org contains spaces", hint: "copy the key again" };
      },
    });
    render(KeyForm, { onSaved: () => {} });
    const input = screen.getByTestId("key-input") as HTMLInputElement;
    await fireEvent.input(input, { target: { value: `${SECRET} x` } });
    await fireEvent.click(screen.getByTestId("key-save"));
    const alert = await screen.findByRole("alert");
    expect(alert.dataset.code).toBe("onboarding.key_malformed");
    expect(input.value).toBe("");
    expect(document.documentElement.outerHTML).not.toContain(SECRET);
  });

  it("saves your user name on the feed, trimmed, and explains what it is for", async () => {
    serve({ save_feed_key: () => key({ owner: "jane-doe" }) });
    render(KeyForm, { onSaved: () => {} });
    const field = screen.getByTestId("key-owner") as HTMLInputElement;
    expect(field.value).toBe("");
    expect(screen.getByLabelText(/Your user name on this feed/)).toBe(field);
    const help = document.getElementById(field.getAttribute("aria-describedby") ?? "")?.textContent ?? "";
    expect(help).toContain("nuget.org: your profile or organisation name");
    expect(help).toContain("whether you own an id or a reserved prefix");
    await fireEvent.input(screen.getByTestId("key-input"), { target: { value: SECRET } });
    await fireEvent.input(field, { target: { value: "  jane-doe " } });
    await fireEvent.click(screen.getByTestId("key-save"));
    await screen.findByTestId("key-saved");
    const saved = calls.find((c) => c.cmd === "save_feed_key");
    expect((saved?.args.metadata as { owner: string | null }).owner).toBe("jane-doe");
  });

  it("shows the user name refused by the core and keeps what was typed", async () => {
    serve({
      save_feed_key: () => {
        throw { code: "account.bad_owner", message: 'the user name on the feed "jane doe" is not a valid nuget.org user or organisation name', hint: "give the name shown on your nuget.org profile" };
      },
    });
    render(KeyForm, { onSaved: () => {} });
    await fireEvent.input(screen.getByTestId("key-input"), { target: { value: SECRET } });
    await fireEvent.input(screen.getByTestId("key-owner"), { target: { value: "jane doe" } });
    await fireEvent.click(screen.getByTestId("key-save"));
    const alert = await screen.findByRole("alert");
    expect(alert.dataset.code).toBe("account.bad_owner");
    expect((screen.getByTestId("key-owner") as HTMLInputElement).value).toBe("jane doe");
    expect(document.documentElement.outerHTML).not.toContain(SECRET);
  });

  it("shows the stored user name in Account settings and starts a replacement from it", async () => {
    serve({
      account_overview: () => overview({ keys: [key({ owner: "contoso" })] }),
      onboarding_state: () => ({ ...fresh, finished: true }),
    });
    render(AccountSettings, { onClose: () => {}, onResumeSetup: () => {}, onChanged: () => {} });
    const shown = await screen.findByTestId("key-owner-shown");
    expect(shown.textContent).toBe("you are contoso on this feed");
    await fireEvent.click(screen.getByTestId("key-replace"));
    const field = (await screen.findByTestId("key-owner")) as HTMLInputElement;
    expect(field.value).toBe("contoso");
  });

  it("guides through nuget.org's choices and opens the API keys page", async () => {
    serve({ open_link: () => ({ status: "opened", url: "https://www.nuget.org/account/apikeys" }) });
    render(KeyForm, { onSaved: () => {} });
    const guide = screen.getByTestId("key-guide").textContent ?? "";
    expect(guide).toContain("Push only new package versions");
    expect(guide).toContain("Contoso.*");
    await fireEvent.click(screen.getByTestId("open-api-keys"));
    await waitFor(() => expect(calls.find((c) => c.cmd === "open_link")?.args).toEqual({ url: "https://www.nuget.org/account/apikeys", packagePath: null, confirmed: false }));
    // Only the expiry choices nuget.org offers, plus a date of one's own.
    const options = [...(screen.getByTestId("key-expiry") as HTMLSelectElement).options].map((o) => o.value);
    expect(options).toEqual(["1", "90", "180", "270", "365", "other", "none"]);
  });
});

describe("the checklist", () => {
  const base = { onState: () => {}, onCheckTwoStep: () => {}, onAddKey: () => {}, onAccountChanged: () => {} };
  const setup = { ...fresh, step: "checklist" as const };

  it("says two-step is not known after a sign-in and lists clear-text secrets by place only, with what to do", async () => {
    serve({
      scan_nuget_configs: () => ({
        files: ["/home/u/NuGet.Config"],
        findings: [{ path: "/home/u/NuGet.Config", source: "Contoso", element: "packageSourceCredentials/Contoso/add[@key='ClearTextPassword']", line: 9, kind: "clearTextPassword" }],
        unreadable: [],
      }),
    });
    render(Checklist, { ...base, overview: overview(), setup, packagePath: "/work/pkgs/A.1.0.0.nupkg" });
    expect(screen.getByTestId("status-twoStep").textContent).toBe("Not known");
    expect(screen.getByTestId("status-apiKey").textContent).toBe("No key yet");
    await waitFor(() => expect(calls.find((c) => c.cmd === "scan_nuget_configs")?.args).toEqual({ folder: "/work/pkgs/A.1.0.0.nupkg" }));
    const findings = await screen.findByTestId("findings");
    expect(findings.textContent).toContain("/home/u/NuGet.Config, line 9");
    expect(findings.textContent).toContain("Contoso");
    expect(screen.getByTestId("status-noKeysInFiles").textContent).toBe("1 secret in a file");
    const fixes = screen.getByTestId("secret-fixes").textContent ?? "";
    expect(fixes).toContain("Change the secret now");
    expect(fixes).toContain("%NUGET_FEED_PASSWORD%");
    expect(fixes).toContain("credential provider");
  });

  it("records 'two-step is on' as the user's word for that account, and shows a copyable address when no browser opens", async () => {
    serve({
      scan_nuget_configs: () => emptyScan,
      confirm_two_step: (a) => account({ mfa: { verified: false, userConfirmed: "2026-03-01", text: "" }, id: a.account as string }),
      open_link: () => {
        throw { code: "app.browser_failed", message: "No web browser could be opened.", hint: "copy the address" };
      },
    });
    const onAccountChanged = vi.fn();
    render(Checklist, { ...base, onAccountChanged, overview: overview(), setup });
    await fireEvent.click(screen.getByTestId("two-step-confirm"));
    await waitFor(() => expect(onAccountChanged).toHaveBeenCalled());
    expect(calls.find((c) => c.cmd === "confirm_two_step")?.args).toEqual({ account: "alice.t", on: true });
    await fireEvent.click(screen.getByTestId("open-nuget-account"));
    expect(((await screen.findByTestId("link-fallback-url")) as HTMLInputElement).value).toBe("https://www.nuget.org/account");
  });

  it("ticks e-mail per account, and globally only without an account", async () => {
    serve({ scan_nuget_configs: () => emptyScan, open_link: () => ({ status: "opened", url: "x" }), confirm_publish_email: () => account({ publishEmailConfirmed: true }) });
    const onState = vi.fn();
    const none = overview({ accounts: { active: null, accounts: [] } });
    const { unmount } = render(Checklist, { ...base, onState, overview: none, setup });
    await fireEvent.click(screen.getByTestId("tick-email"));
    expect(onState).toHaveBeenCalledWith({ emailOnPublish: true });
    unmount();
    render(Checklist, { ...base, onState, overview: overview(), setup });
    await fireEvent.click(screen.getByTestId("tick-email"));
    await waitFor(() => expect(calls.find((c) => c.cmd === "confirm_publish_email")?.args).toEqual({ account: "alice.t", on: true }));
    await fireEvent.click(screen.getByTestId("open-ms-security"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "open_link" && c.args.url === "https://account.microsoft.com/security")).toBe(true));
    expect((await screen.findByTestId("status-noKeysInFiles")).textContent).toBe("None found");
  });

  it("shows an expiring key's reminder state", () => {
    serve({ scan_nuget_configs: () => emptyScan });
    render(Checklist, { ...base, overview: overview({ keys: [key({ expiresInDays: 5, expiresSoon: true, expires: "2026-03-06" })] }), setup });
    expect(screen.getByTestId("status-apiKey").textContent).toBe("Expires soon");
    expect(screen.getByTestId("item-apiKey").textContent).toContain("••••defg");
  });
});

describe("the first-time setup", () => {
  it("walks Welcome → Sign in → Checklist (by itself after sign-in) → Key → Done, saving each step", async () => {
    let current: AccountOverview = overview({ accounts: { active: null, accounts: [] } });
    serve({
      account_overview: () => current,
      save_onboarding: (a) => ({ ...(a.state as OnboardingState), saved: true }),
      sign_in: () => {
        current = overview();
        return account();
      },
      scan_nuget_configs: () => emptyScan,
    });
    const onClose = vi.fn();
    render(Onboarding, { initial: fresh, onClose });
    expect(screen.getByRole("dialog").getAttribute("aria-modal")).toBe("true");
    expect(screen.getByRole("heading", { level: 2 }).textContent).toBe("Welcome to Nupub");
    expect(screen.getByTestId("onboarding-step").textContent).toBe("Step 1 of 5");
    await fireEvent.click(screen.getByTestId("onboarding-next"));
    expect((await screen.findByRole("heading", { level: 2 })).textContent).toBe("Sign in with Microsoft");
    await fireEvent.click(screen.getByTestId("sign-in-browser"));
    await waitFor(() => expect(screen.getByTestId("onboarding-step").dataset.step).toBe("checklist"));
    expect(calls.find((c) => c.cmd === "sign_in")?.args).toEqual({ device: false, prompt: "default" });
    expect(screen.getByTestId("status-twoStep").textContent).toBe("Not known");
    await fireEvent.click(screen.getByTestId("onboarding-next"));
    await waitFor(() => expect(screen.getByTestId("onboarding-next").textContent?.trim()).toBe("Skip this step"));
    await fireEvent.click(screen.getByTestId("onboarding-next"));
    expect((await screen.findByTestId("onboarding-summary")).textContent).toContain("Two-step verification: not known");
    // Open items are listed, and the heading does not say "You're set".
    const open = await screen.findByTestId("onboarding-open-items");
    expect(open.textContent).toContain("Not known");
    expect(open.textContent).toContain("No key yet");
    expect(screen.getByRole("heading", { level: 2 }).textContent).toBe("Almost there");
    await fireEvent.click(screen.getByTestId("onboarding-finish"));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    const saves = calls.filter((c) => c.cmd === "save_onboarding").map((c) => c.args.state as OnboardingState);
    expect(saves.map((s) => s.step)).toEqual(["signIn", "checklist", "feedKey", "done", "done"]);
    expect(saves.at(-1)).toMatchObject({ finished: true, skipped: false });
  });

  it("can be skipped (Escape too) and remembers where it stopped", async () => {
    serve({ account_overview: () => overview(), save_onboarding: (a) => ({ ...(a.state as OnboardingState), saved: true }) });
    const onClose = vi.fn();
    render(Onboarding, { initial: { ...fresh, step: "signIn", saved: true }, onClose });
    expect((await screen.findByTestId("signed-in-as")).textContent).toContain("alice@example.test");
    await fireEvent.keyDown(screen.getByRole("dialog"), { key: "Escape" });
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(calls.find((c) => c.cmd === "save_onboarding")?.args.state).toMatchObject({ step: "signIn", skipped: true });
  });

  it("shows the device code and address when signing in with a code", async () => {
    mockIPC(
      (cmd, args) => {
        calls.push({ cmd, args: (args ?? {}) as Args });
        if (cmd === "account_overview") return overview({ accounts: { active: null, accounts: [] } });
        if (cmd === "sign_in") return new Promise(() => {});
        if (cmd === "cancel_sign_in") return true;
        throw new Error(`unmocked ${cmd}`);
      },
      { shouldMockEvents: true },
    );
    render(Onboarding, { initial: { ...fresh, step: "signIn" }, onClose: () => {} });
    await fireEvent.click(screen.getByTestId("sign-in-device"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "sign_in")).toBe(true));
    expect(calls.find((c) => c.cmd === "sign_in")?.args).toEqual({ device: true, prompt: "default" });
    await emit("account:sign-in", {
      kind: "deviceCode",
      prompt: { userCode: "ABCD-EFGH", verificationUri: "https://microsoft.com/devicelogin", verificationUriComplete: null, expiresInSeconds: 900 },
    });
    expect((await screen.findByTestId("device-code")).textContent).toContain("ABCD-EFGH");
    expect(screen.getByTestId("device-url").textContent).toBe("https://microsoft.com/devicelogin");
    await fireEvent.click(screen.getByTestId("sign-in-cancel"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "cancel_sign_in")).toBe(true));
  });
});

describe("reminders and first run in the app", () => {
  it("the banner says which key expires when", () => {
    render(KeyReminderBanner, {
      reminders: [{ source: "nuget.org", label: null, expires: "2026-03-06", daysLeft: 5, expired: false, text: "The API key for nuget.org expires in 5 days (2026-03-06)." }],
      onOpen: () => {},
    });
    expect(screen.getByTestId("key-reminder").textContent).toContain("expires in 5 days");
  });

  const appInfo = { productName: "Nupub", version: "0.1.0", defaultTarget: { kind: "local", name: "Local feed", location: "/x" } };

  it("opens the setup on a first run without a package, with the Account entry in the header", async () => {
    serve({
      app_info: () => appInfo,
      launch_files: () => ({ publishing: false, request: { paths: [], more: 0, open: null, notOpened: [] } }),
      onboarding_state: () => fresh,
      account_overview: () => overview({ reminders: [{ source: "nuget.org", label: null, expires: "2026-03-06", daysLeft: 5, expired: false, text: "The API key for nuget.org expires in 5 days." }] }),
    });
    render(App);
    const dialog = await screen.findByTestId("onboarding");
    expect(within(dialog).getByRole("heading", { level: 2 }).textContent).toBe("Welcome to Nupub");
    expect(screen.getByTestId("open-account").textContent).toBe("Account");
    expect((await screen.findByTestId("key-reminder")).textContent).toContain("expires in 5 days");
  });

  it("goes from the Account screen to the Versions view", async () => {
    serve({
      app_info: () => appInfo,
      launch_files: () => ({ publishing: false, request: { paths: [], more: 0, open: null, notOpened: [] } }),
      onboarding_state: () => ({ ...fresh, skipped: true, saved: true }),
      account_overview: () => overview(),
      scan_nuget_configs: () => ({ files: [], findings: [] }),
      list_feeds: () => ({ feeds: [], warnings: [], keyringError: null }),
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("open-account"));
    await fireEvent.click(await screen.findByTestId("account-versions"));
    await screen.findByTestId("versions-close");
    expect(screen.queryByTestId("account-settings")).toBeNull();
    // The view stops listening for events as it closes: let that finish before the mocks go.
    cleanup();
    await new Promise((r) => setTimeout(r, 10));
  });

  it("opens the Versions view on the feed of a stored key", async () => {
    const company = { id: "company", name: "company", kind: "v3", location: "https://pkgs.example/v3/index.json", isDefaultLocal: false, needsKey: true, keyNeed: "usually", hasKey: true, keyOrigin: "keyring", keyExpires: null, keyExpiresInDays: null, keyExpiresSoon: false, origin: null, target: "generic" };
    const local = { ...company, id: "/data/feed", name: "Local feed", kind: "local", location: "/data/feed", isDefaultLocal: true, needsKey: false, keyNeed: "none", hasKey: false, target: "local" };
    serve({
      app_info: () => appInfo,
      launch_files: () => ({ publishing: false, request: { paths: [], more: 0, open: null, notOpened: [] } }),
      onboarding_state: () => ({ ...fresh, skipped: true, saved: true }),
      account_overview: () => overview({ keys: [key({ source: "Company" })] }),
      scan_nuget_configs: () => ({ files: [], findings: [] }),
      list_feeds: () => ({ feeds: [local, company], warnings: [], keyringError: null }),
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("open-account"));
    await fireEvent.click(await screen.findByTestId("key-versions"));
    const select = (await screen.findByTestId("versions-feed")) as HTMLSelectElement;
    await waitFor(() => expect(select.value).toBe("company"));
    cleanup();
    await new Promise((r) => setTimeout(r, 10));
  });

  it("does not interrupt a package opened at start, nor a finished or skipped setup", async () => {
    serve({
      app_info: () => appInfo,
      launch_files: () => ({ publishing: false, request: { paths: [], more: 0, open: null, notOpened: [] } }),
      onboarding_state: () => ({ ...fresh, skipped: true, saved: true }),
      account_overview: () => overview(),
    });
    render(App);
    await waitFor(() => expect(calls.some((c) => c.cmd === "onboarding_state")).toBe(true));
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId("onboarding")).toBeNull();
    expect(screen.queryByTestId("key-reminder")).toBeNull();
  });
});
