// Typed access to the publish commands (src-tauri/src/publish_commands.rs).
// Keys never cross IPC here: the Rust side reads them from the keyring.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { FeedList } from "../bindings/FeedList";
import type { Preflight } from "../bindings/Preflight";
import type { PushEvent } from "../bindings/PushEvent";
import type { PushReport } from "../bindings/PushReport";
import { CommandError, toErrorInfo } from "./errors";

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw new CommandError(toErrorInfo(error));
  }
}

export const PUBLISH_EVENT = "publish:progress";

export const publishApi = {
  /** The local feed, the nuget.config sources and nuget.org, with what the keyring holds for each. */
  listFeeds: (packagePath: string | null) => call<FeedList>("list_feeds", { packagePath }),
  /** Reads only: is the feed reachable, is a key stored, is the version there already. */
  preflight: (path: string, feed: string) => call<Preflight>("preflight", { path, feed }),
  /** Resolves with the feed's report; progress arrives through {@link onPublishEvent}. */
  publish: (path: string, feed: string) => call<PushReport>("publish", { path, feed }),
  /** Unlists a version on an HTTP feed (the window asks first). */
  unlist: (path: string, feed: string, id: string, version: string) => call<void>("unlist", { path, feed, id, version }),
  /** False when no push was running. */
  cancelPublish: () => call<boolean>("cancel_publish"),
};

/** Listens for push progress. Returns the unsubscribe function. */
export function onPublishEvent(handler: (event: PushEvent) => void): Promise<UnlistenFn> {
  return listen<PushEvent>(PUBLISH_EVENT, (event) => handler(event.payload));
}
