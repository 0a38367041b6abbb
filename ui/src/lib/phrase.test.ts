import { describe, expect, it } from "vitest";
import { phraseMatches } from "./phrase";
// The same cases the core's rule is tested with (crates/publish/src/plan.rs, phrase_rule).
import cases from "../../../crates/publish/src/phrase_cases.json";

describe("the typed phrase", () => {
  it("matches exactly where the core's rule does", () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
    for (const [typed, phrase, expected] of cases as [string, string, boolean][]) {
      expect(phraseMatches(typed, phrase), `${JSON.stringify(typed)} / ${JSON.stringify(phrase)}`).toBe(expected);
    }
  });
});
