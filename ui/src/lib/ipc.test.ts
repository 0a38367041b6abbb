// The window's command wrappers against the commands the Rust shell registers:
// a command with no wrapper, or a wrapper naming a missing command, fails here.
import { describe, expect, it } from "vitest";
import shell from "../../../src-tauri/src/lib.rs?raw";
import { COMMANDS } from "./ipc";

const registered = (() => {
  const list = /generate_handler!\[([^\]]*)\]/.exec(shell);
  if (!list) throw new Error("no generate_handler! list in src-tauri/src/lib.rs");
  return list[1]
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => entry.split("::").pop() as string);
})();

// Every source file of the window (tests and generated bindings aside), as text.
const sources = import.meta.glob<string>(["../**/*.ts", "../**/*.svelte", "!../**/*.test.ts", "!../bindings/**"], {
  query: "?raw",
  import: "default",
  eager: true,
});
const called = new Set(
  Object.values(sources).flatMap((text) => [...text.matchAll(/\bcall(?:<[^(]*>)?\(\s*"([a-z_]+)"/g)].map((m) => m[1])),
);

describe("commands", () => {
  it("the list is the shell's, in full", () => {
    expect(registered.length).toBeGreaterThan(40);
    expect([...COMMANDS].sort()).toEqual([...registered].sort());
  });

  it("every registered command has a wrapper, and every wrapper a command", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(50);
    expect(called.size).toBeGreaterThan(40);
    expect([...called].filter((name) => !registered.includes(name))).toEqual([]);
    expect(registered.filter((name) => !called.has(name))).toEqual([]);
  });
});
