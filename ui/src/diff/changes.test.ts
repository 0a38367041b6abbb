import { describe, expect, it } from "vitest";
import type { Change } from "../bindings/Change";
import type { Verdict } from "../bindings/Verdict";
import { groupChanges, verdictLine } from "./changes";

function change(kind: Change["kind"], severity: Change["severity"], assembly: string | null = null): Change {
  return {
    kind,
    severity,
    id: null,
    subject: "s",
    message: "m",
    old: null,
    new: null,
    signature: null,
    assembly,
    framework: null,
    oldSize: null,
    newSize: null,
  };
}

describe("groupChanges", () => {
  const changes = [
    change("file", "info"),
    change("api", "addition", "lib/net45/A.dll"),
    change("api", "breaking", "lib/net6.0/A.dll"),
    change("license", "significant"),
  ];

  it("orders groups API first and splits API changes by assembly", () => {
    const groups = groupChanges(changes, false);
    expect(groups.map((g) => g.kind)).toEqual(["api", "license", "file"]);
    expect(groups[0].breaking).toBe(1);
    expect(groups[0].subgroups.map((s) => s.name)).toEqual(["lib/net45/A.dll", "lib/net6.0/A.dll"]);
  });

  it("keeps only breaking changes when asked", () => {
    const groups = groupChanges(changes, true);
    expect(groups).toHaveLength(1);
    expect(groups[0].changes).toHaveLength(1);
    expect(groups[0].changes[0].severity).toBe("breaking");
  });
});

describe("verdictLine", () => {
  const verdict: Verdict = {
    needed: "major",
    chosen: "patch",
    tooSmall: true,
    suggestedVersion: "2.0.0",
    reasons: [],
    notes: [],
  };
  it("names the version to use when the bump is too small", () => {
    expect(verdictLine(verdict, "1.0.1")).toBe("The changes need a major version bump: publish as 2.0.0, not 1.0.1");
    expect(verdictLine({ ...verdict, tooSmall: false, needed: "patch" }, "1.0.1")).toBe("A patch bump is enough: 1.0.1 is fine");
  });
});
