import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import App from "./App.svelte";
import type { DropState } from "./lib/platform";

// The window integrations (drops, file dialog) are replaced; IPC goes through Tauri's own mock.
const platform = vi.hoisted(() => ({
  dropListener: null as ((state: DropState) => void) | null,
  chosen: null as string | null,
}));
vi.mock("./lib/platform", async (importOriginal) => {
  const real = await importOriginal<typeof import("./lib/platform")>();
  return {
    ...real,
    listenForDrops: async (listener: (state: DropState) => void) => {
      platform.dropListener = listener;
      return () => (platform.dropListener = null);
    },
    chooseFile: async () => platform.chosen,
  };
});

const appInfo = {
  productName: "Nupub",
  version: "0.1.0",
  defaultTarget: { kind: "local", name: "Local feed", location: "/home/ann/.local/share/nupub/feed" },
};

function serve(handlers: Record<string, () => unknown>) {
  mockIPC((cmd) => {
    const handler = handlers[cmd];
    if (!handler) throw new Error(`unmocked command ${cmd}`);
    return handler();
  });
}

beforeEach(() => {
  platform.dropListener = null;
  platform.chosen = null;
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("app shell", () => {
  it("shows the product, the five steps and the drop zone", async () => {
    serve({ app_info: () => appInfo, launch_package: () => null });
    render(App);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Nupub");
    expect(screen.getByRole("heading", { level: 2 }).textContent).toBe("Drop a .nupkg here or choose a file");
    const steps = screen
      .getAllByRole("listitem")
      .map((li) => li.querySelector(".step-label")?.textContent);
    expect(steps).toEqual(["Package", "Checks", "Feed", "Confirm", "Publish"]);
    expect(screen.getByTestId("step-package").getAttribute("aria-current")).toBe("step");
    expect(screen.getByTestId("step-publish").dataset.reachable).toBe("false");
    expect((await screen.findByTestId("default-target")).textContent).toBe("Local feed");
    expect(screen.queryByTestId("chosen-package")).toBeNull();
  });

  it("shows the package the app was started with", async () => {
    serve({ app_info: () => appInfo, launch_package: () => "/tmp/My.Lib.1.2.3.nupkg" });
    render(App);
    const chosen = await screen.findByTestId("chosen-package");
    expect(chosen.textContent).toContain("My.Lib.1.2.3.nupkg");
    expect(screen.getByTestId("chosen-path").textContent).toBe("/tmp/My.Lib.1.2.3.nupkg");
    expect(screen.getByTestId("step-checks").dataset.reachable).toBe("true");
  });

  it("takes a dropped file and highlights while dragging", async () => {
    serve({ app_info: () => appInfo, launch_package: () => null });
    render(App);
    await vi.waitFor(() => expect(platform.dropListener).not.toBeNull());
    platform.dropListener!({ kind: "over" });
    await vi.waitFor(() => expect(screen.getByTestId("dropzone").classList.contains("hovering")).toBe(true));
    platform.dropListener!({ kind: "drop", paths: ["C:\\pkgs\\A.1.0.0.nupkg", "C:\\pkgs\\A.1.0.0.snupkg"] });
    const chosen = await screen.findByTestId("chosen-package");
    expect(chosen.textContent).toContain("A.1.0.0.nupkg");
    expect(screen.getByTestId("dropzone").classList.contains("hovering")).toBe(false);
  });

  it("takes a file from the dialog, and keeps the old one when the dialog is cancelled", async () => {
    serve({ app_info: () => appInfo, launch_package: () => "/tmp/first.nupkg" });
    render(App);
    await screen.findByTestId("chosen-package");
    platform.chosen = null;
    await fireEvent.click(screen.getByTestId("choose-file"));
    expect(screen.getByTestId("chosen-path").textContent).toBe("/tmp/first.nupkg");
    platform.chosen = "/tmp/second.nupkg";
    await fireEvent.click(screen.getByTestId("choose-file"));
    await vi.waitFor(() => expect(screen.getByTestId("chosen-path").textContent).toBe("/tmp/second.nupkg"));
  });

  it("shows a core error as message, fix and code", async () => {
    serve({
      app_info: () => {
        throw { code: "feed.no_data_dir", message: "no data folder", hint: "set HOME" };
      },
      launch_package: () => null,
    });
    render(App);
    const alert = await screen.findByRole("alert");
    expect(alert.dataset.code).toBe("feed.no_data_dir");
    expect(alert.textContent).toContain("no data folder");
    expect(alert.textContent).toContain("How to fix it: set HOME");
    await fireEvent.click(screen.getByRole("button", { name: "Dismiss this message" }));
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
