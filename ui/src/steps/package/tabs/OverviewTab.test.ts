import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render } from "@testing-library/svelte";
import OverviewTab from "./OverviewTab.svelte";
import { opened } from "../../../testing/opened";

afterEach(cleanup);

describe("the Overview's licence", () => {
  it("labels a licence URL as a web page (old packages declare nothing else)", async () => {
    const links: string[] = [];
    const url = "http://json.codeplex.com/license";
    const view = render(OverviewTab, { opened: opened({}, { license: null, licenseUrl: url }), onLink: (u: string) => links.push(u) });
    const line = view.getByTestId("license-url");
    expect(line.textContent).toContain("License URL (a web page");
    expect(view.queryByText("No license information.")).toBeNull();
    await fireEvent.click(view.getByRole("button", { name: url }));
    expect(links).toEqual([url]);
  });

  it("says when there is no licence at all", () => {
    const view = render(OverviewTab, { opened: opened({}, { license: null, licenseUrl: null }), onLink: () => {} });
    expect(view.getByText("No license information.")).toBeTruthy();
    expect(view.queryByTestId("license-url")).toBeNull();
  });
});
