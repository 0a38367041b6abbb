import { describe, expect, it } from "vitest";
import { deprecationLabel, listingLabel, messageUnits, outcomeLabel, stepLabel } from "./present";
import type { FeedVersion } from "../bindings/FeedVersion";

const base: FeedVersion = { version: "1.0.0", listed: null, published: null, latest: null, deprecation: null, vulnerabilities: [], file: null };

describe("versions presentation", () => {
  it("says listing as the feed reports it", () => {
    expect(listingLabel({ ...base, listed: true })).toBe("Listed");
    expect(listingLabel({ ...base, listed: false })).toBe("Unlisted");
    expect(listingLabel(base)).toBe("—");
  });
  it("names reasons, alternate and message", () => {
    const label = deprecationLabel({
      ...base,
      deprecation: { reasons: ["Legacy", "CriticalBugs"], message: "Broken", alternateId: "B", alternateRange: "[2.0.0, )" },
    });
    expect(label).toBe("Deprecated (legacy, critical bugs) → B [2.0.0, ): Broken");
    expect(deprecationLabel(base)).toBe("");
  });
  it("words every outcome and step status", () => {
    expect(outcomeLabel({ kind: "skipped", why: "already unlisted" })).toBe("Skipped: already unlisted");
    expect(outcomeLabel({ kind: "failed", error: { code: "x.y", message: "no", hint: null } })).toBe("Failed: no");
    expect(stepLabel({ kind: "pending" })).toBe("Not done yet");
    expect(stepLabel({ kind: "done", detail: "ok" })).toBe("Done: ok");
  });
  it("counts the message like .NET", () => {
    expect(messageUnits("😀")).toBe(2);
  });
});
