// One focus rule for the whole window (hand-written: the rule is Nupub's own,
// and the browser APIs it needs, `inert` and focus events, are small; a
// focus-trap package would still need the WebKitGTK key handling below).
//
// 1. A step change focuses the new step's heading (`focusHeading`).
// 2. A modal (`modal` action) focuses its first control (or the element marked
//    `data-autofocus`), traps Tab and Shift+Tab, makes everything else `inert`,
//    closes on Escape wherever the focus is, and gives the focus back on close.
//    Only one modal is open at a time: while one is, the rest is inert, so no
//    second dialog can be opened on top of it.
// 3. When the focused control disappears (replaced by progress, a result, an
//    error), the focus goes to its replacement: the control with the same
//    `data-focus-key` in the same place, else the modal's first control, else
//    the step's heading (`keepFocus`). It never drops to <body>.
//
// WebKitGTK sends Shift+Tab with `key: "Unidentified"` and `code: "Tab"`, so
// keys are recognised by `key` or `code`.

export const FOCUSABLE =
  "button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex='-1'])";

export function isTab(event: Pick<KeyboardEvent, "key" | "code">): boolean {
  return event.key === "Tab" || event.code === "Tab";
}

export function isEscape(event: Pick<KeyboardEvent, "key" | "code">): boolean {
  return event.key === "Escape" || event.key === "Esc" || event.code === "Escape";
}

/** The controls Tab reaches inside `root`, in order (visible ones only). */
export function focusables(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (e) => !e.closest("[inert]") && (e.getClientRects().length > 0 || e === document.activeElement),
  );
}

/** Focuses the first heading (h1–h3) in `root`, making it focusable from script only. */
export function focusHeading(root: ParentNode | null = document.querySelector("main")): boolean {
  const heading = root?.querySelector<HTMLElement>("[data-step-heading]") ?? root?.querySelector<HTMLElement>("h2, h1, h3");
  if (!heading) return false;
  if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
  heading.focus();
  return document.activeElement === heading;
}

/** Where the focus goes when a dialog opens: its marked control, else its first control, else its heading. */
export function focusFirst(root: HTMLElement): void {
  const marked = root.querySelector<HTMLElement>("[data-autofocus]");
  const target = marked ?? focusables(root)[0] ?? root.querySelector<HTMLElement>("h2, h1");
  if (target && !target.matches(FOCUSABLE) && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  (target ?? root).focus();
}

interface OpenModal {
  box: HTMLElement;
  close: () => void;
  restore: HTMLElement | null;
  inerted: HTMLElement[];
}
const stack: OpenModal[] = [];

/** True while a modal is open (nothing else may open one). */
export function modalOpen(): boolean {
  return stack.length > 0;
}

/** Moves the focus by Tab / Shift+Tab inside `box`, wrapping at either end. */
export function trapTab(box: HTMLElement, event: KeyboardEvent): void {
  const items = focusables(box);
  event.preventDefault();
  if (items.length === 0) {
    box.focus();
    return;
  }
  const index = items.indexOf(document.activeElement as HTMLElement);
  const next = event.shiftKey
    ? index <= 0
      ? items[items.length - 1]
      : items[index - 1]
    : index < 0 || index === items.length - 1
      ? items[0]
      : items[index + 1];
  next.focus();
}

function onDocumentKey(event: KeyboardEvent) {
  const top = stack[stack.length - 1];
  if (!top) return;
  if (isEscape(event)) {
    event.preventDefault();
    event.stopPropagation();
    top.close();
  } else if (isTab(event)) {
    event.stopPropagation();
    trapTab(top.box, event);
  }
}

/** Makes every element outside `box` inert (siblings of `box` and of each of its ancestors). */
function inertOutside(box: HTMLElement): HTMLElement[] {
  const changed: HTMLElement[] = [];
  for (let node: HTMLElement | null = box; node && node !== document.body; node = node.parentElement) {
    const parent: HTMLElement | null = node.parentElement;
    if (!parent) break;
    for (const sibling of Array.from(parent.children) as Element[]) {
      if (sibling !== node && sibling instanceof HTMLElement && !sibling.hasAttribute("inert") && sibling.tagName !== "SCRIPT") {
        sibling.setAttribute("inert", "");
        changed.push(sibling);
      }
    }
  }
  return changed;
}

/**
 * Svelte action for a modal dialog element: see rule 2 above.
 * `onClose` is what Escape does (the dialog's Cancel / Close).
 */
export function modal(box: HTMLElement, onClose: () => void) {
  const entry: OpenModal = {
    box,
    close: onClose,
    restore: document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null,
    inerted: [],
  };
  if (stack.length === 0) document.addEventListener("keydown", onDocumentKey, true);
  stack.push(entry);
  entry.inerted = inertOutside(box);
  focusFirst(box);
  return {
    update(next: () => void) {
      entry.close = next;
    },
    destroy() {
      const at = stack.indexOf(entry);
      if (at >= 0) stack.splice(at, 1);
      for (const element of entry.inerted) element.removeAttribute("inert");
      if (stack.length === 0) document.removeEventListener("keydown", onDocumentKey, true);
      const back = entry.restore;
      // After the dialog's own DOM is gone: back where the user was, or the step's heading.
      queueMicrotask(() => {
        if (stack.length > 0) return focusFirst(stack[stack.length - 1].box);
        if (back && back.isConnected && !back.closest("[inert]")) back.focus();
        else focusHeading();
      });
    },
  };
}

let lastFocused: { element: HTMLElement; keys: string[] } | null = null;

/** The focus keys of the element's places, innermost first. */
function keysOf(element: HTMLElement): string[] {
  const keys: string[] = [];
  for (let node = element.closest<HTMLElement>("[data-focus-key]"); node; node = node.parentElement?.closest<HTMLElement>("[data-focus-key]") ?? null) {
    if (node.dataset.focusKey) keys.push(node.dataset.focusKey);
  }
  return keys;
}

/**
 * The element to focus after the focused one disappeared (rule 3): in the
 * innermost place (same `data-focus-key`) that is still there, its marked
 * control (`data-autofocus`), else its first control.
 */
export function replacementFor(keys: string[]): HTMLElement | null {
  const scope: ParentNode = stack.length > 0 ? stack[stack.length - 1].box : document;
  for (const key of keys) {
    const place = [...scope.querySelectorAll<HTMLElement>("[data-focus-key]")].find((e) => e.dataset.focusKey === key);
    if (!place) continue;
    if (place.matches(FOCUSABLE)) return place;
    const target = place.querySelector<HTMLElement>("[data-autofocus]") ?? focusables(place)[0];
    if (target) return target;
  }
  return null;
}

function restoreLostFocus() {
  const lost = lastFocused;
  if (!lost) return;
  const gone = !lost.element.isConnected || lost.element.closest("[inert]") !== null;
  const disabled = (lost.element as HTMLButtonElement).disabled === true;
  if (!gone && !disabled) return;
  const active = document.activeElement;
  if (active && active !== document.body && active !== lost.element) return;
  if (!gone && active === lost.element) return;
  const target = replacementFor(lost.keys);
  if (target) {
    if (!target.matches(FOCUSABLE) && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  } else if (stack.length > 0) {
    focusFirst(stack[stack.length - 1].box);
  } else {
    focusHeading();
  }
}

/** Installs rule 3 for the document; returns the function that removes it. */
export function keepFocus(): () => void {
  const onFocusIn = (event: FocusEvent) => {
    if (event.target instanceof HTMLElement) lastFocused = { element: event.target, keys: keysOf(event.target) };
  };
  document.addEventListener("focusin", onFocusIn);
  const observer = new MutationObserver(() => restoreLostFocus());
  observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["disabled"] });
  return () => {
    document.removeEventListener("focusin", onFocusIn);
    observer.disconnect();
  };
}
