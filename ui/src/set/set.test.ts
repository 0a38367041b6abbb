import { describe, expect, it } from "vitest";
import type { SetPlan } from "../bindings/SetPlan";
import { applyEvent, memberKey, setConsent, whatIsMissing, type SetProgress } from "./set";
import { phraseMatches } from "../lib/phrase";

function plan(over: Partial<SetPlan> = {}): SetPlan {
  return {
    feed: { name: "nuget.org", label: "nuget.org", kind: "nugetOrg", location: "https://api.nuget.org/v3/index.json", target: "nuget.org", isFolder: false },
    members: [],
    problems: [],
    blockers: [],
    acknowledgements: [
      { key: "A 1.0.0\u0000w1", package: "A 1.0.0", code: "w", message: "w1", hint: null },
      { key: "set\u0000w2", package: null, code: "publish.set.stable_on_prerelease", message: "w2", hint: null },
    ],
    confirmation: "publish 7 packages",
    toSend: 7,
    alreadyThere: 0,
    totalBytes: 100,
    pushesPerHour: 350,
    notes: [],
    status: "needsConsent",
    ...over,
  };
}

describe("the set's consent", () => {
  it("needs every warning, one by one or all at once, and the phrase", () => {
    const p = plan();
    expect(whatIsMissing(p, setConsent({}, false, ""))).toEqual(["2 warnings to acknowledge", 'type "publish 7 packages"']);
    expect(whatIsMissing(p, setConsent({ "A 1.0.0\u0000w1": true }, false, "Publish  7 packages"))).toEqual(["1 warning to acknowledge"]);
    expect(whatIsMissing(p, setConsent({}, true, "publish 7 packages "))).toEqual([]);
    expect(whatIsMissing(p, setConsent({}, true, "publish 6 packages"))).toEqual(['type "publish 7 packages"']);
  });

  it("a blocker or nothing to send keeps Publish off whatever is ticked", () => {
    const blocked = plan({ blockers: [{ code: "publish.set.two_versions", message: "m", hint: null }] });
    expect(whatIsMissing(blocked, setConsent({}, true, "publish 7 packages"))).toEqual(["1 problem to fix first"]);
    const none = plan({ toSend: 0, confirmation: null, acknowledgements: [] });
    expect(whatIsMissing(none, setConsent({}, false, ""))).toEqual(["nothing to send: the feed holds every package"]);
  });

  it("one package's phrase is its id and version", () => {
    expect(phraseMatches("a.lib 1.0.0", "A.Lib 1.0.0")).toBe(true);
    expect(phraseMatches("A.Lib 1.0", "A.Lib 1.0.0")).toBe(false);
    expect(phraseMatches("", "publish 2 packages")).toBe(false);
  });
});

describe("progress", () => {
  it("follows each package and the whole set", () => {
    let p: SetProgress = { members: {}, overall: { fraction: null, line: "" } };
    p = applyEvent(p, { kind: "started", id: "A", version: "1.0.0" });
    expect(p.members[memberKey("A", "1.0.0")]).toEqual({ status: "sending", line: "Starting…" });
    p = applyEvent(p, { kind: "overall", done: 1, total: 3, sentBytes: 50, totalBytes: 100, bytesPerSecond: 0, etaSeconds: null });
    expect(p.overall.fraction).toBe(0.5);
    expect(p.overall.line).toContain("1 of 3 packages done");
    p = applyEvent(p, { kind: "done", id: "A", version: "1.0.0", result: { status: "notSent", reason: "not sent: cancelled" } });
    expect(p.members[memberKey("a", "1.0.0")]).toEqual({ status: "done", result: { status: "notSent", reason: "not sent: cancelled" } });
  });
});
