import { describe, expect, it } from "vitest";
import { CommandError, toErrorInfo } from "./errors";

describe("toErrorInfo", () => {
  it("keeps a core error as it is", () => {
    expect(toErrorInfo({ code: "package.empty", message: "empty", hint: null })).toEqual({
      code: "package.empty",
      message: "empty",
      hint: null,
    });
    const info = { code: "a.b", message: "m", hint: "h" };
    expect(toErrorInfo(new CommandError(info))).toBe(info);
  });

  it("turns anything else into a plain unexpected error", () => {
    expect(toErrorInfo("ipc broke").code).toBe("app.unexpected");
    expect(toErrorInfo("ipc broke").message).toContain("ipc broke");
    expect(toErrorInfo(new Error("boom")).message).toContain("boom");
    expect(toErrorInfo({ code: 5, message: "x" }).code).toBe("app.unexpected");
    expect(toErrorInfo(undefined).hint).toBeTruthy();
  });
});
