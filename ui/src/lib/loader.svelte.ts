// One loader for everything a step asks the core for: its state is an `Async<T>`
// the template switches on, and an answer that arrives after a newer request
// (or after `reset`) is dropped, so a slow old answer never replaces a new one.
import type { ErrorInfo } from "../bindings/ErrorInfo";
import { toErrorInfo } from "./errors";

export type Async<T> =
  | { status: "idle" }
  | { status: "loading" }
  | { status: "done"; value: T }
  | { status: "error"; error: ErrorInfo };

export class Loader<T> {
  state = $state<Async<T>>({ status: "idle" });
  #generation = 0;

  /** Starts with `initial` (a view that asks at once starts as "loading"). */
  constructor(initial: Async<T> = { status: "idle" }) {
    this.state = initial;
  }

  /** Asks again; resolves when this answer (or its error) is in, or was dropped as stale. */
  async run(load: () => Promise<T>): Promise<void> {
    const mine = ++this.#generation;
    this.state = { status: "loading" };
    try {
      const value = await load();
      if (mine === this.#generation) this.state = { status: "done", value };
    } catch (e) {
      if (mine === this.#generation) this.state = { status: "error", error: toErrorInfo(e) };
    }
  }

  /** Forgets the answer, and drops any answer still on its way. */
  reset(): void {
    ++this.#generation;
    this.state = { status: "idle" };
  }

  /** The answer, when there is one. */
  get value(): T | null {
    return this.state.status === "done" ? this.state.value : null;
  }
}
