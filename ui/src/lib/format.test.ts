import { describe, expect, it } from "vitest";
import { describeRange, formatBytes, formatTime, joinList } from "./format";

describe("formatBytes", () => {
  it("uses decimal units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(2441966)).toBe("2.4 MB");
    expect(formatBytes(262_144_000)).toBe("262 MB");
    expect(formatBytes(1500)).toBe("1.5 kB");
  });
  it("shows a dash for nothing or nonsense", () => {
    expect(formatBytes(null)).toBe("—");
    expect(formatBytes(-1)).toBe("—");
    expect(formatBytes(Number.NaN)).toBe("—");
  });
});

describe("formatTime", () => {
  it("shortens RFC 3339 times and keeps anything else", () => {
    expect(formatTime("2023-03-08T09:12:33Z")).toBe("2023-03-08 09:12 UTC");
    expect(formatTime("yesterday")).toBe("yesterday");
    expect(formatTime(null)).toBe("—");
  });
});

describe("joinList", () => {
  it("joins names", () => {
    expect(joinList([])).toBe("");
    expect(joinList(["A"])).toBe("A");
    expect(joinList(["A", "B", "C"])).toBe("A, B and C");
  });
});

describe("describeRange", () => {
  it("says NuGet ranges in words", () => {
    expect(describeRange("[4.3.0, )")).toBe("4.3.0 or later");
    expect(describeRange("4.3.0")).toBe("4.3.0 or later");
    expect(describeRange("[1.0.0]")).toBe("exactly 1.0.0");
    expect(describeRange("[1.0, 2.0)")).toBe("1.0 or later, before 2.0");
    expect(describeRange("(1.0, 2.0]")).toBe("later than 1.0, up to 2.0");
    expect(describeRange("(, 2.0]")).toBe("2.0 or earlier");
    expect(describeRange("(, 2.0)")).toBe("earlier than 2.0");
    expect(describeRange("")).toBe("any version");
    expect(describeRange("[1.0")).toBe("[1.0");
  });
});
