import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { focusHeading, isEscape, isTab, keepFocus, modal, modalOpen } from "./focus";

// jsdom lays nothing out: every element counts as visible here.
const rects = HTMLElement.prototype.getClientRects;
beforeAll(() => {
  HTMLElement.prototype.getClientRects = () => [{}] as unknown as DOMRectList;
});
afterAll(() => {
  HTMLElement.prototype.getClientRects = rects;
});
afterEach(() => {
  document.body.innerHTML = "";
});

function page() {
  document.body.innerHTML = `
    <div id="app"><header><button id="account">Account</button></header>
    <main><h2 data-step-heading tabindex="-1" id="step">Step</h2><button id="go">Go</button></main>
    <div id="backdrop"><div id="dialog" role="dialog" tabindex="-1">
      <button id="first">First</button><input id="field" /><button id="last">Last</button>
    </div></div></div>`;
  return document.getElementById("dialog") as HTMLElement;
}

function key(init: KeyboardEventInit) {
  const event = new KeyboardEvent("keydown", { bubbles: true, cancelable: true, ...init });
  (document.activeElement ?? document.body).dispatchEvent(event);
  return event;
}

describe("keys", () => {
  it("knows Tab and Escape by key or by code (WebKitGTK sends Shift+Tab as key 'Unidentified')", () => {
    expect(isTab({ key: "Unidentified", code: "Tab" })).toBe(true);
    expect(isTab({ key: "Tab", code: "" })).toBe(true);
    expect(isTab({ key: "a", code: "KeyA" })).toBe(false);
    expect(isEscape({ key: "Unidentified", code: "Escape" })).toBe(true);
    expect(isEscape({ key: "Enter", code: "Enter" })).toBe(false);
  });
});

describe("a modal", () => {
  it("focuses its first control, traps Tab and WebKitGTK's Shift+Tab, makes the rest inert and closes on Escape", () => {
    const box = page();
    document.getElementById("go")!.focus();
    const close = vi.fn();
    const action = modal(box, close);
    expect(modalOpen()).toBe(true);
    expect(document.activeElement?.id).toBe("first");
    expect(document.querySelector("main")!.closest("[inert]")).not.toBeNull();
    expect(document.querySelector("header")!.closest("[inert]")).not.toBeNull();
    expect(box.closest("[inert]")).toBeNull();
    // Shift+Tab as WebKitGTK sends it: wraps to the last control, never leaves.
    expect(key({ key: "Unidentified", code: "Tab", shiftKey: true }).defaultPrevented).toBe(true);
    expect(document.activeElement?.id).toBe("last");
    key({ key: "Tab", code: "Tab" });
    expect(document.activeElement?.id).toBe("first");
    key({ key: "Tab", code: "Tab" });
    expect(document.activeElement?.id).toBe("field");
    // Even with the focus lost outside, Tab brings it back in.
    (document.activeElement as HTMLElement).blur();
    key({ key: "Tab", code: "Tab" });
    expect(box.contains(document.activeElement)).toBe(true);
    key({ key: "Escape", code: "Escape" });
    expect(close).toHaveBeenCalledTimes(1);
    action.destroy();
    expect(modalOpen()).toBe(false);
    expect(document.querySelector("[inert]")).toBeNull();
  });

  it("gives the focus back to where it was when it closes", async () => {
    const box = page();
    document.getElementById("go")!.focus();
    const action = modal(box, () => {});
    action.destroy();
    await Promise.resolve();
    expect(document.activeElement?.id).toBe("go");
  });
});

describe("a replaced control", () => {
  it("hands the focus to its replacement, else to the step's heading, never to <body>", async () => {
    document.body.innerHTML = `<main><h2 data-step-heading tabindex="-1" id="step">Step</h2>
      <div data-focus-key="sign-in"><button id="start">Sign in</button></div><div id="other"><button id="x">X</button></div></main>`;
    const stop = keepFocus();
    document.getElementById("start")!.focus();
    const place = document.querySelector("[data-focus-key=sign-in]")!;
    place.innerHTML = `<span>Waiting…</span><button id="cancel">Cancel</button>`;
    await new Promise((r) => setTimeout(r, 0));
    expect(document.activeElement?.id).toBe("cancel");
    document.getElementById("x")!.focus();
    document.getElementById("other")!.remove();
    await new Promise((r) => setTimeout(r, 0));
    expect(document.activeElement?.id).toBe("step");
    stop();
  });

  it("focuses the step's own heading, not the first heading on the page", () => {
    document.body.innerHTML = `<main><h2 id="pkg">Package</h2><h2 id="checks" data-step-heading>Checks</h2></main>`;
    expect(focusHeading()).toBe(true);
    expect(document.activeElement?.id).toBe("checks");
  });
});
