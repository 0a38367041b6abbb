// Typed access to the account commands (src-tauri/src/account_commands.rs).
// A feed key crosses IPC exactly once, in saveFeedKey; nothing returns it.
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AccountOverview } from "../bindings/AccountOverview";
import type { AccountStatus } from "../bindings/AccountStatus";
import type { AccountsStatus } from "../bindings/AccountsStatus";
import type { ConfigScan } from "../bindings/ConfigScan";
import type { KeyMetadata } from "../bindings/KeyMetadata";
import type { OnboardingState } from "../bindings/OnboardingState";
import type { SignInEvent } from "../bindings/SignInEvent";
import type { StoredKey } from "../bindings/StoredKey";
import type { SignInPrompt } from "../bindings/SignInPrompt";
import type { SignedOut } from "../bindings/SignedOut";
import type { KeyChange } from "../bindings/KeyChange";
import type { Guidance } from "../bindings/Guidance";
import { call } from "./ipc";

export const SIGN_IN_EVENT = "account:sign-in";

export const accountApi = {
  onboardingState: () => call<OnboardingState>("onboarding_state"),
  saveOnboarding: (state: OnboardingState) => call<OnboardingState>("save_onboarding", { state }),
  overview: () => call<AccountOverview>("account_overview"),
  /**
   * Resolves when the sign-in completes; progress arrives through {@link onSignInEvent}.
   * `prompt`: "selectAccount" for another account, "login" to check again with a fresh sign-in.
   */
  signIn: (device: boolean, prompt: SignInPrompt = "default") => call<AccountStatus>("sign_in", { device, prompt }),
  /** Checks the app's client ID with Microsoft and saves it (as `nupub account login --client-id`). */
  saveClientId: (clientId: string) => call<boolean>("save_client_id", { clientId }),
  confirmTwoStep: (account: string, on: boolean) => call<AccountStatus>("confirm_two_step", { account, on }),
  confirmPublishEmail: (account: string, on: boolean) => call<AccountStatus>("confirm_publish_email", { account, on }),
  keyGuidance: (source: string, change: KeyChange) => call<Guidance>("key_guidance", { source, change }),
  cancelSignIn: () => call<boolean>("cancel_sign_in"),
  openDevicePage: () => call<void>("open_device_page"),
  switchAccount: (account: string) => call<AccountsStatus>("switch_account", { account }),
  /** With `removeKeys`, the stored publish keys leave the keyring too. */
  signOut: (account: string, removeKeys: boolean) => call<SignedOut>("sign_out", { account, removeKeys }),
  /** Sends the key to the keyring; the answer carries only its last four characters. */
  saveFeedKey: (source: string, key: string, metadata: KeyMetadata) =>
    call<StoredKey>("save_feed_key", { source, key, metadata }),
  removeFeedKey: (source: string) => call<StoredKey[]>("remove_feed_key", { source }),
  /** The nuget.config files NuGet reads for the open package (its folder up to the root, user, machine-wide). */
  scanNugetConfigs: (folder: string | null) => call<ConfigScan>("scan_nuget_configs", { folder }),
};

/** Listens for sign-in progress. Returns the unsubscribe function. */
export function onSignInEvent(handler: (event: SignInEvent) => void): Promise<UnlistenFn> {
  return listen<SignInEvent>(SIGN_IN_EVENT, (event) => handler(event.payload));
}

/** The pages the checklist sends the user to (all on open_link's trusted list). */
export const PAGES = {
  microsoftSecurity: "https://account.microsoft.com/security",
  nugetAccount: "https://www.nuget.org/account",
  nugetApiKeys: "https://www.nuget.org/account/apikeys",
  trustedPublishing: "https://learn.microsoft.com/nuget/nuget-org/trusted-publishing",
} as const;

/** Opens one of {@link PAGES} in the system browser (rejects with the reason when no browser opens). */
export function openPage(url: string) {
  return call<unknown>("open_link", { url, packagePath: null, confirmed: false });
}
