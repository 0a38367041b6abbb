import { describe, expect, it } from "vitest";
import { Loader } from "./loader.svelte";

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe("Loader", () => {
  it("keeps the newest answer when an older one arrives last", async () => {
    const loader = new Loader<string>();
    const old = deferred<string>();
    const fresh = deferred<string>();
    const first = loader.run(() => old.promise);
    const second = loader.run(() => fresh.promise);
    fresh.resolve("new");
    await second;
    old.resolve("old");
    await first;
    expect(loader.state).toEqual({ status: "done", value: "new" });
    expect(loader.value).toBe("new");
  });

  it("turns a failure into {code, message, hint} and drops a stale failure", async () => {
    const loader = new Loader<number>({ status: "loading" });
    expect(loader.state.status).toBe("loading");
    const stale = deferred<number>();
    const pending = loader.run(() => stale.promise);
    await loader.run(() => Promise.reject({ code: "feed.down", message: "The feed is down.", hint: null }));
    expect(loader.state).toEqual({ status: "error", error: { code: "feed.down", message: "The feed is down.", hint: null } });
    stale.reject(new Error("late"));
    await pending;
    expect(loader.state.status).toBe("error");
    expect(loader.state.status === "error" && loader.state.error.code).toBe("feed.down");
  });

  it("reset forgets the answer and drops one on its way", async () => {
    const loader = new Loader<string>();
    const slow = deferred<string>();
    const pending = loader.run(() => slow.promise);
    loader.reset();
    slow.resolve("late");
    await pending;
    expect(loader.state).toEqual({ status: "idle" });
    expect(loader.value).toBeNull();
  });
});
