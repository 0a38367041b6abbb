// Typed access to the publish commands (src-tauri/src/publish_commands.rs), a
// thin door onto the publish core (crates/publish): the plan Confirm shows and
// the decision Publish enforces are made there, the same as for `nupub push`.
// Stored keys never cross IPC; a key typed on Confirm crosses once, inward.
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { FeedList } from "../bindings/FeedList";
import type { Plan } from "../bindings/Plan";
import type { Consent } from "../bindings/Consent";
import type { Outcome } from "../bindings/Outcome";
import type { PushEvent } from "../bindings/PushEvent";
import type { KeyMetadata } from "../bindings/KeyMetadata";
import type { ListingOutcome } from "../bindings/ListingOutcome";
import { call } from "./ipc";

export const PUBLISH_EVENT = "publish:progress";

export const publishApi = {
  /** The local feed, the nuget.config sources and nuget.org, with the key each would use. */
  listFeeds: (packagePath: string | null) => call<FeedList>("list_feeds", { packagePath }),
  /** Reads only: the plan (checks for the feed, what the feed knows, key, symbols, what blocks). */
  plan: (path: string, feed: string, key: string | null = null) => call<Plan>("plan_publish", { path, feed, key }),
  /** Resolves with the outcome; progress arrives through {@link onPublishEvent}. The core makes the plan again and checks `consent` against it. */
  publish: (path: string, feed: string, consent: Consent, key: string | null = null) => call<Outcome>("publish", { path, feed, consent, key }),
  /** Keeps a key for this feed in the system keyring; resolves with the name it is stored under. */
  storeFeedKey: (path: string, feed: string, key: string, metadata: KeyMetadata) => call<string>("store_feed_key", { path, feed, key, metadata }),
  /** Unlists (`listed: false`) or relists a version on an HTTP feed (the window asks first). */
  setListed: (path: string, feed: string, id: string, version: string, listed: boolean) =>
    call<ListingOutcome>("set_listed", { path, feed, id, version, listed }),
  /** False when no push was running. */
  cancelPublish: () => call<boolean>("cancel_publish"),
};

/** Listens for push progress. Returns the unsubscribe function. */
export function onPublishEvent(handler: (event: PushEvent) => void): Promise<UnlistenFn> {
  return listen<PushEvent>(PUBLISH_EVENT, (event) => handler(event.payload));
}
