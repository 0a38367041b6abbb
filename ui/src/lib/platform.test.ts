import { describe, expect, it } from "vitest";
import { fileName } from "./platform";

describe("fileName", () => {
  it("takes the last part of Unix and Windows paths", () => {
    expect(fileName("/a/b/C.1.0.0.nupkg")).toBe("C.1.0.0.nupkg");
    expect(fileName("C:\\x\\D.2.0.nupkg")).toBe("D.2.0.nupkg");
    expect(fileName("plain.nupkg")).toBe("plain.nupkg");
    expect(fileName("/dir/")).toBe("dir");
  });
});
