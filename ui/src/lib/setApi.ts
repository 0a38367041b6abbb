// Typed access to the set commands (src-tauri/src/set_commands.rs), a thin door
// onto the publish core's sets (crates/publish/src/batch.rs): the order, the
// pairs, the set's problems and the one decision are made there, the same as
// for `nupub push A B …`.
import type { UnlistenFn } from "@tauri-apps/api/event";
import type { SetPlan } from "../bindings/SetPlan";
import type { SetConsent } from "../bindings/SetConsent";
import type { SetReport } from "../bindings/SetReport";
import type { SetEvent } from "../bindings/SetEvent";
import { call, onEvent } from "./ipc";

export const SET_EVENT = "set:progress";

export const setApi = {
  /** Reads only: the set's plan for `feed` (an id from the feed list). */
  plan: (paths: string[], feed: string, key: string | null = null) => call<SetPlan>("plan_set", { paths, feed, key }),
  /** Resolves with the report; progress arrives through {@link onSetEvent}. The core makes the plan again and checks `consent`. */
  publish: (paths: string[], feed: string, consent: SetConsent, keepGoing: boolean, key: string | null = null) =>
    call<SetReport>("publish_set", { paths, feed, consent, keepGoing, key }),
  /** Stops before the next package; false when nothing was running. */
  cancel: () => call<boolean>("cancel_set"),
};

/** Listens for the set's progress. Returns the unsubscribe function. */
export function onSetEvent(handler: (event: SetEvent) => void): Promise<UnlistenFn> {
  return onEvent<SetEvent>(SET_EVENT, handler);
}
