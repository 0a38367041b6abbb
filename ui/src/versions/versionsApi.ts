// Typed access to the Versions view's commands (src-tauri/src/lifecycle_commands.rs).
// Keys never cross IPC: the Rust side reads them from the keyring.
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { DeprecationRequest } from "../bindings/DeprecationRequest";
import type { FeedVersion } from "../bindings/FeedVersion";
import type { FixPlan } from "../bindings/FixPlan";
import type { FixState } from "../bindings/FixState";
import type { LifecycleEvent } from "../bindings/LifecycleEvent";
import type { ListingPlan } from "../bindings/ListingPlan";
import type { ListingReport } from "../bindings/ListingReport";
import type { VersionsView } from "../bindings/VersionsView";
import { call } from "../lib/ipc";

export const LIFECYCLE_EVENT = "lifecycle:progress";
export const FIX_EVENT = "lifecycle:fix";

export const versionsApi = {
  versions: (feed: string, id: string, packagePath: string | null) => call<VersionsView>("feed_versions", { feed, id, packagePath }),
  choose: (text: string, id: string, feed: string, versions: FeedVersion[]) => call<string[]>("choose_versions", { text, id, feed, versions }),
  planListing: (feed: string, id: string, versions: FeedVersion[], relist: boolean, packagePath: string | null) =>
    call<ListingPlan>("plan_listing_change", { feed, id, versions, relist, packagePath }),
  runListing: (feed: string, plan: ListingPlan, typed: string | null, packagePath: string | null) =>
    call<ListingReport>("run_listing_change", { feed, plan, typed, packagePath }),
  deprecate: (feed: string, request: DeprecationRequest, packagePath: string | null) => call<void>("deprecate_versions", { feed, request, packagePath }),
  /** Stops a running unlist/relist or deprecation before its next request (false: none runs). */
  cancel: () => call<boolean>("cancel_lifecycle"),
  fixStart: (plan: FixPlan) => call<FixState>("fix_start", { plan }),
  fixSaved: (feed: string, id: string) => call<FixState | null>("fix_saved", { feed, id }),
  fixRun: (feed: string, id: string) => call<FixState>("fix_run", { feed, id }),
};

export function onLifecycleEvent(handler: (event: LifecycleEvent) => void): Promise<UnlistenFn> {
  return listen<LifecycleEvent>(LIFECYCLE_EVENT, (event) => handler(event.payload));
}

export function onFixEvent(handler: (state: FixState) => void): Promise<UnlistenFn> {
  return listen<FixState>(FIX_EVENT, (event) => handler(event.payload));
}
