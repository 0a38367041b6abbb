// The error notice's "Show log": it asks the app to open its log file, and
// says why when the log cannot be opened. IPC goes through Tauri's own mock.
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import ErrorNotice from "./ErrorNotice.svelte";

const error = { code: "feed.redirect_refused", message: "the feed moved", hint: "update the source" };

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("error notice", () => {
  it("opens the log from Show log", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === "open_log") return null;
      throw new Error(`unmocked command ${cmd}`);
    });
    const view = render(ErrorNotice, { error });
    expect(view.getByTestId("error").dataset.code).toBe("feed.redirect_refused");
    await fireEvent.click(view.getByTestId("show-log"));
    await Promise.resolve();
    expect(calls).toEqual(["open_log"]);
    expect(view.queryByTestId("log-problem")).toBeNull();
  });

  it("says why the log could not be opened", async () => {
    mockIPC((cmd) => {
      if (cmd === "open_log") {
        throw { code: "app.log_unavailable", message: "Nupub's log could not be opened: it does not exist yet", hint: "open it from the folder" };
      }
      throw new Error(`unmocked command ${cmd}`);
    });
    const view = render(ErrorNotice, { error });
    await fireEvent.click(view.getByTestId("show-log"));
    const problem = await view.findByTestId("log-problem");
    expect(problem.textContent).toContain("does not exist yet");
    expect(problem.textContent).toContain("open it from the folder");
  });
});
