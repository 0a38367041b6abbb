import { describe, expect, it } from "vitest";
import type { FeedChoice } from "../bindings/FeedChoice";
import { Wizard } from "./wizard.svelte";

const feed = (id: string) => ({ id, name: id }) as FeedChoice;

describe("Wizard", () => {
  it("reaches Confirm only with a feed, and nothing while publishing", () => {
    const w = new Wizard();
    expect(w.reachable(false)).toEqual(["package"]);
    expect(w.reachable(true)).toEqual(["package", "checks", "feed"]);
    w.chooseFeed(feed("local"));
    expect(w.step).toBe("confirm");
    expect(w.reachable(true)).toEqual(["package", "checks", "feed", "confirm"]);
    w.publish({ consent: { acknowledged: [], typed: null } as never, key: null });
    expect(w.step).toBe("publish");
    expect(w.reachable(true)).toEqual([]);
    w.finishPublish();
    expect(w.step).toBe("package");
    expect(w.feed).toBeNull();
  });

  it("offers a session key only for the feed it was typed for", () => {
    const w = new Wizard();
    w.chooseFeed(feed("team"));
    w.keepSessionKey("k1");
    expect(w.sessionKeyForFeed()).toBe("k1");
    w.chooseFeed(feed("other"));
    expect(w.sessionKeyForFeed()).toBeNull();
  });

  it("starts over for a new package and restores the last one", () => {
    const w = new Wizard();
    w.chooseFeed(feed("team"));
    w.keepSessionKey("k1");
    const saved = w.snapshot();
    w.startOver();
    expect([w.step, w.feed, w.sessionKey]).toEqual(["package", null, null]);
    w.restore(saved);
    expect(w.step).toBe("confirm");
    expect(w.sessionKeyForFeed()).toBe("k1");
  });
});
