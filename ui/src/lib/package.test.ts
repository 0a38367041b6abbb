import { describe, expect, it } from "vitest";
import { setMadeOf } from "./package";

describe("setMadeOf", () => {
  it("names package files and folders as they are", () => {
    expect(setMadeOf(["/bin/A.nupkg", "/bin/B.nupkg"])).toBe("2 packages");
    expect(setMadeOf(["/bin/A.nupkg", "/bin/A.snupkg"])).toBe("2 packages");
    expect(setMadeOf(["/bin/A.NUPKG"])).toBe("1 package");
    expect(setMadeOf(["/src/bin/Release"])).toBe("a folder");
    expect(setMadeOf(["/a", "/b"])).toBe("2 folders");
    expect(setMadeOf(["/bin/A.nupkg", "/bin/B.nupkg", "/bin/C.snupkg", "/out"])).toBe("3 packages and a folder");
  });
});
