import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import App from "./App.svelte";
import type { DropState } from "./lib/platform";
import { opened } from "./testing/opened";
import type { FilesArrived } from "./bindings/FilesArrived";
import type { NotOpened } from "./bindings/NotOpened";

/** What the Rust side answers for files handed over (its plan is tested in Rust). */
function files(open: string | null, notOpened: NotOpened[] = [], publishing = false): FilesArrived {
  const paths = [...(open ? [open] : []), ...notOpened.map((n) => n.path)];
  return { publishing, request: { paths, more: 0, open, set: [], notOpened } };
}

// The window integrations (drops, file dialog) are replaced; IPC goes through Tauri's own mock.
const platform = vi.hoisted(() => ({
  dropListener: null as ((state: DropState) => void) | null,
  filesListener: null as ((files: FilesArrived) => void) | null,
  titles: [] as string[],
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
    listenForOpenFiles: async (listener: (files: FilesArrived) => void) => {
      platform.filesListener = listener;
      return () => (platform.filesListener = null);
    },
    setWindowTitle: async (title: string) => void platform.titles.push(title),
    chooseFile: async () => platform.chosen,
    chooseFiles: async () => (platform.chosen ? [platform.chosen] : []),
  };
});

const appInfo = {
  productName: "Nupub",
  version: "0.1.0",
  defaultTarget: { kind: "local", name: "Local feed", location: "/home/ann/.local/share/nupub/feed" },
};

type Args = Record<string, unknown>;
type Handler = (args: Args) => unknown;
let calls: { cmd: string; args: Args }[] = [];

function serve(handlers: Record<string, Handler>) {
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Args });
    const handler = handlers[cmd];
    if (!handler) throw new Error(`unmocked command ${cmd}`);
    return handler((args ?? {}) as Args);
  });
}

/** A promise the test settles by hand, to look at the states in between. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const intact = { entriesChecked: 4, bytesChecked: 25100, damaged: [] };

/** The usual handlers with a package given at start-up. */
function servePackage(extra: Record<string, Handler> = {}, pkg = opened()) {
  serve({
    app_info: () => appInfo,
    launch_files: () => files(pkg.path),
    open_package: () => pkg,
    verify_package: () => intact,
    ...extra,
  });
  return pkg;
}

beforeEach(() => {
  platform.dropListener = null;
  platform.filesListener = null;
  platform.titles = [];
  platform.chosen = null;
  calls = [];
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("app shell", () => {
  it("shows the product, the five steps and the drop zone", async () => {
    serve({ app_info: () => appInfo, launch_files: () => files(null) });
    render(App);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Nupub");
    expect(screen.getByRole("heading", { level: 2 }).textContent).toBe("Drop a .nupkg here or choose a file");
    const steps = screen
      .getAllByRole("listitem")
      .map((li) => li.querySelector(".step-label")?.textContent);
    expect(steps).toEqual(["Package", "Checks", "Feed", "Confirm", "Publish"]);
    expect(screen.getByTestId("step-package").querySelector("[aria-current]")?.getAttribute("aria-current")).toBe("step");
    expect(screen.getByTestId("step-publish").dataset.reachable).toBe("false");
    expect((await screen.findByTestId("default-target")).textContent).toBe("Local feed");
    expect(screen.queryByTestId("package-header")).toBeNull();
  });

  it("shows a core error as message, fix and code", async () => {
    serve({
      app_info: () => {
        throw { code: "feed.no_data_dir", message: "no data folder", hint: "set HOME" };
      },
      launch_files: () => files(null),
    });
    render(App);
    const alert = await screen.findByRole("alert");
    expect(alert.dataset.code).toBe("feed.no_data_dir");
    expect(alert.textContent).toContain("No data folder");
    expect(alert.textContent).toContain("How to fix it: set HOME");
    await fireEvent.click(screen.getByRole("button", { name: "Dismiss this message" }));
    expect(screen.queryByRole("alert")).toBeNull();
  });
});

describe("opening a package", () => {
  it("shows the header at once and fills in the file check when it ends", async () => {
    const open = deferred<unknown>();
    const verify = deferred<unknown>();
    const pkg = opened({}, { signature: null });
    serve({
      app_info: () => appInfo,
      launch_files: () => files(pkg.path),
      open_package: () => open.promise,
      verify_package: () => verify.promise,
    });
    render(App);
    // While the directory is read: a placeholder header naming the file, no layout jump later.
    const header = await screen.findByTestId("package-header");
    expect(header.getAttribute("aria-busy")).toBe("true");
    expect(header.textContent).toContain("Opening My.Lib.1.2.3.nupkg…");
    expect(screen.getByTestId("package-path").textContent).toBe(pkg.path);

    open.resolve(pkg);
    expect((await screen.findByTestId("package-id")).textContent).toBe("My.Lib");
    expect(screen.getByTestId("package-version").textContent).toBe("1.2.3");
    expect(screen.queryByTestId("prerelease-badge")).toBeNull();
    expect(screen.getByTestId("package-authors").textContent).toBe("by Ann and Bo");
    expect(screen.getByTestId("package-size").textContent).toBe("12.3 kB");
    expect(screen.getByTestId("signature-badge").textContent).toBe("Unsigned");
    expect(screen.getByTestId("integrity").dataset.status).toBe("checking");
    expect(screen.getByTestId("integrity").textContent).toContain("Checking files…");
    // The inspector is usable while the check runs.
    expect(screen.getByTestId("panel-overview").textContent).toContain("Does useful things.");
    expect(screen.getByTestId("step-checks").dataset.reachable).toBe("true");

    verify.resolve(intact);
    await vi.waitFor(() => expect(screen.getByTestId("integrity").textContent).toContain("All 4 files intact"));
    expect(calls.filter((c) => c.cmd === "verify_package")[0].args).toEqual({ path: pkg.path });
  });

  it("marks prereleases, shows the icon, the signature kind and the symbol package", async () => {
    servePackage(
      {},
      opened(
        {
          iconDataUrl: "data:image/png;base64,iVBORw0KGgo=",
          symbols: { path: "/pkgs/My.Lib.1.2.3-beta.snupkg", fileName: "My.Lib.1.2.3-beta.snupkg", id: "My.Lib", version: "1.2.3-beta", isSymbolsPackage: true, size: 7419 },
        },
        { version: "1.2.3-beta", isPrerelease: true, signature: signatureSample() },
      ),
    );
    render(App);
    expect((await screen.findByTestId("prerelease-badge")).textContent).toBe("Prerelease");
    expect(screen.getByTestId("package-icon").getAttribute("src")).toBe("data:image/png;base64,iVBORw0KGgo=");
    expect(screen.getByTestId("signature-badge").textContent).toBe("Author and repository signed");
    expect(screen.getByTestId("symbols-badge").textContent).toBe("Symbols: My.Lib.1.2.3-beta.snupkg (7.4 kB)");
  });

  it("shows why a package cannot be opened and offers the drop zone again", async () => {
    serve({
      app_info: () => appInfo,
      launch_files: () => files("/tmp/page.nupkg"),
      open_package: () => {
        throw { code: "package.not_a_zip", message: "/tmp/page.nupkg is not a zip archive", hint: "build the package again" };
      },
    });
    render(App);
    const failure = await screen.findByTestId("open-error");
    const alert = within(failure).getByRole("alert");
    expect(alert.dataset.code).toBe("package.not_a_zip");
    expect(alert.textContent).toContain("is not a zip archive");
    expect(alert.textContent).toContain("How to fix it: build the package again");
    expect(screen.getByTestId("dropzone")).toBeTruthy();
    expect(screen.queryByTestId("package-header")).toBeNull();
    expect(calls.some((c) => c.cmd === "verify_package")).toBe(false);
    expect(screen.getByTestId("step-checks").dataset.reachable).toBe("false");
  });

  it("warns loudly about a damaged file", async () => {
    servePackage({
      verify_package: () => ({
        entriesChecked: 4,
        bytesChecked: 100,
        damaged: [{ path: "icon.png", detail: "its CRC-32 checksum does not match" }],
      }),
    });
    render(App);
    const notice = await screen.findByTestId("damaged");
    expect(notice.getAttribute("role")).toBe("alert");
    expect(notice.textContent).toContain("Do not publish this copy");
    expect(notice.textContent).toContain("icon.png: its CRC-32 checksum does not match");
    expect(screen.getByTestId("integrity").textContent).toContain("1 damaged file");
  });

  it("shows a failed file check as a coded error", async () => {
    servePackage({
      verify_package: () => {
        throw { code: "package.unreadable", message: "the file could not be read", hint: "check permissions" };
      },
    });
    render(App);
    const alert = await screen.findByRole("alert");
    expect(alert.dataset.code).toBe("package.unreadable");
    expect(screen.getByTestId("integrity").textContent).toContain("File check failed");
  });

  it("opens the package the Rust side chose from a drop, and ignores a stale answer", async () => {
    const first = deferred<unknown>();
    const second = opened({ path: "C:\\pkgs\\B.1.0.0.nupkg", fileName: "B.1.0.0.nupkg" }, { id: "B" });
    serve({
      app_info: () => appInfo,
      launch_files: () => files("/pkgs/A.nupkg"),
      open_package: (args) => (args.path === "/pkgs/A.nupkg" ? first.promise : second),
      verify_package: () => intact,
      plan_open: () => files("C:\\pkgs\\B.1.0.0.nupkg", [{ path: "C:\\pkgs\\B.1.0.0.snupkg", reason: "symbolsOfOpened" }]),
    });
    render(App);
    await screen.findByTestId("package-header");
    await vi.waitFor(() => expect(platform.dropListener).not.toBeNull());
    platform.dropListener!({ kind: "over" });
    platform.dropListener!({ kind: "drop", paths: ["C:\\pkgs\\B.1.0.0.snupkg", "C:\\pkgs\\B.1.0.0.nupkg"] });
    expect((await screen.findByTestId("package-id")).textContent).toBe("B");
    // The first package's answer arrives late and must not replace B.
    first.resolve(opened({ path: "/pkgs/A.nupkg" }, { id: "A" }));
    await new Promise((r) => setTimeout(r, 10));
    expect(screen.getByTestId("package-id").textContent).toBe("B");
    expect(calls.filter((c) => c.cmd === "open_package").map((c) => c.args.path)).toEqual(["/pkgs/A.nupkg", "C:\\pkgs\\B.1.0.0.nupkg"]);
  });

  it("opens the first of several files given at start and says why the others were not opened", async () => {
    servePackage({
      launch_files: () =>
        files("/pkgs/A.1.0.0.nupkg", [
          { path: "/pkgs/B.2.0.0.nupkg", reason: "anotherPackage" },
          { path: "/pkgs/out", reason: "folder" },
        ]),
      open_package: (args) => opened({ path: String(args.path) }, { id: "A", version: "1.0.0" }),
    });
    render(App);
    expect((await screen.findByTestId("package-id")).textContent).toBe("A");
    const notice = screen.getByTestId("open-notice");
    expect(notice.textContent).toContain("Opened A.1.0.0.nupkg.");
    expect(notice.querySelector('[data-reason="anotherPackage"]')?.textContent).toContain("B.2.0.0.nupkg: one package opens at a time");
    expect(notice.querySelector('[data-reason="folder"]')?.textContent).toContain("out: a folder");
    expect(calls.filter((c) => c.cmd === "open_package").map((c) => c.args.path)).toEqual(["/pkgs/A.1.0.0.nupkg"]);
    await vi.waitFor(() => expect(platform.titles.at(-1)).toBe("A 1.0.0 — Nupub"));
  });

  it("says what happened when a drop holds nothing to open, and keeps the open package", async () => {
    servePackage({ plan_open: (args) => files(null, (args.paths as string[]).map((path) => ({ path, reason: "notAPackage" as const }))) });
    render(App);
    await screen.findByTestId("package-id");
    await vi.waitFor(() => expect(platform.dropListener).not.toBeNull());
    platform.dropListener!({ kind: "drop", paths: ["/tmp/notes.txt"] });
    const notice = await screen.findByTestId("open-notice");
    expect(notice.textContent).toContain("Nothing was opened.");
    expect(notice.textContent).toContain("notes.txt: not a NuGet package");
    expect(calls.filter((c) => c.cmd === "plan_open").map((c) => c.args.paths)).toEqual([["/tmp/notes.txt"]]);
    expect(calls.filter((c) => c.cmd === "open_package")).toHaveLength(1);
    expect(screen.getByTestId("package-header")).toBeTruthy();
  });

  it("opens files from a second launch, and during a publish only asks", async () => {
    servePackage({ open_package: (args) => opened({ path: String(args.path) }, { id: String(args.path).includes("B") ? "B" : "A" }) });
    render(App);
    expect((await screen.findByTestId("package-id")).textContent).toBe("A");
    await vi.waitFor(() => expect(platform.filesListener).not.toBeNull());
    platform.filesListener!(files("/pkgs/B.nupkg", [], true));
    const question = await screen.findByTestId("open-waiting");
    expect(question.textContent).toContain("A publish is running.");
    expect(screen.getByTestId("open-waiting-file").textContent).toBe("B.nupkg");
    expect(screen.getByTestId("package-id").textContent).toBe("A");
    await fireEvent.click(screen.getByTestId("open-not"));
    expect(screen.queryByTestId("open-waiting")).toBeNull();
    expect(calls.filter((c) => c.cmd === "open_package")).toHaveLength(1);
    platform.filesListener!(files("/pkgs/B.nupkg"));
    await vi.waitFor(() => expect(screen.getByTestId("package-id").textContent).toBe("B"));
  });

  it("several files handed over open the set view, which plans them for the chosen feed", async () => {
    const feeds = {
      feeds: [
        { id: "/data/feed", name: "Local feed", kind: "local", location: "/data/feed", isDefaultLocal: true, needsKey: false, keyNeed: "none", hasKey: false, keyOrigin: "none", keyExpires: null, keyExpiresInDays: null, origin: null, target: "local" },
      ],
      warnings: [],
      keyringError: null,
    };
    serve({
      app_info: () => appInfo,
      launch_files: () => ({ publishing: false, request: { paths: ["/bin/A.nupkg", "/bin/B.nupkg"], more: 0, open: null, set: ["/bin/A.nupkg", "/bin/B.nupkg"], notOpened: [] } }),
      list_feeds: () => feeds,
      plan_set: () => {
        throw { code: "publish.set.blocked", message: "the set of 2 packages cannot be published", hint: "nothing was sent" };
      },
    });
    render(App);
    await screen.findByTestId("set-view");
    expect(screen.getByTestId("open-set").textContent).toContain("Opened 2 packages to publish together.");
    expect(calls.some((c) => c.cmd === "open_package")).toBe(false);
    await fireEvent.click(await screen.findByTestId("feed-next"));
    const shown = await screen.findByTestId("set-error");
    expect(shown.dataset.code).toBe("publish.set.blocked");
    const plan = calls.find((c) => c.cmd === "plan_set");
    expect(plan?.args).toEqual({ paths: ["/bin/A.nupkg", "/bin/B.nupkg"], feed: "/data/feed", key: null });
  });

  it("a set handed over during a publish opens nothing and says so", async () => {
    serve({ app_info: () => appInfo, launch_files: () => files(null) });
    render(App);
    await vi.waitFor(() => expect(platform.filesListener).not.toBeNull());
    platform.filesListener!({ publishing: true, request: { paths: ["/bin"], more: 0, open: null, set: ["/bin"], notOpened: [] } });
    expect((await screen.findByTestId("open-set")).textContent).toContain("A publish is running");
    expect(screen.queryByTestId("set-view")).toBeNull();
  });

  it("takes a file from the dialog, and keeps the open one when the dialog is cancelled", async () => {
    servePackage({ open_package: (args) => opened({ path: String(args.path) }, { id: String(args.path).includes("second") ? "Second" : "First" }) });
    render(App);
    expect((await screen.findByTestId("package-id")).textContent).toBe("First");
    platform.chosen = null;
    await fireEvent.click(screen.getByTestId("open-another"));
    expect(screen.getByTestId("package-id").textContent).toBe("First");
    platform.chosen = "/tmp/second.nupkg";
    await fireEvent.click(screen.getByTestId("open-another"));
    await vi.waitFor(() => expect(screen.getByTestId("package-id").textContent).toBe("Second"));
  });
});

describe("inspector tabs", () => {
  async function openTab(name: string) {
    await fireEvent.click(await screen.findByTestId(`tab-${name}`));
    return screen.getByTestId(`panel-${name}`);
  }

  it("moves between tabs with the arrow keys", async () => {
    servePackage();
    render(App);
    const overview = await screen.findByTestId("tab-overview");
    expect(overview.getAttribute("aria-selected")).toBe("true");
    expect(screen.getAllByRole("tab").map((t) => t.textContent)).toEqual(["Overview", "Readme", "Dependencies2", "Files4", "Signature", "Health"]);
    await fireEvent.keyDown(overview, { key: "ArrowRight" });
    expect(screen.getByTestId("tab-readme").getAttribute("aria-selected")).toBe("true");
    expect(document.activeElement).toBe(screen.getByTestId("tab-readme"));
    await fireEvent.keyDown(screen.getByTestId("tab-readme"), { key: "End" });
    expect(screen.getByTestId("tab-health").getAttribute("aria-selected")).toBe("true");
    await fireEvent.keyDown(screen.getByTestId("tab-health"), { key: "ArrowRight" });
    expect(screen.getByTestId("tab-overview").getAttribute("aria-selected")).toBe("true");
    expect(screen.getByRole("tabpanel").getAttribute("aria-labelledby")).toBe("tab-overview");
  });

  it("overview: description, tags, license ids and links", async () => {
    servePackage();
    render(App);
    const panel = await openTab("overview");
    expect(within(panel).getByTestId("description").textContent).toBe("Does useful things.");
    expect(within(panel).getByTestId("tags").textContent).toContain("json");
    expect(within(panel).getByTestId("license-expression").textContent).toBe("MIT OR Apache-2.0");
    expect(within(panel).getAllByTestId("license-id").map((li) => li.querySelector("strong")?.textContent)).toEqual(["MIT", "Apache-2.0"]);
    expect(within(panel).getByTestId("project-link").textContent).toBe("https://my-lib.example/");
    expect(within(panel).getByTestId("repository-link").textContent).toBe("https://github.com/ann/my-lib");
  });

  it("overview: a license file's text and a symbol package that cannot be read", async () => {
    servePackage(
      {},
      opened(
        { symbolsError: { code: "package.not_a_zip", message: "the symbol package x.snupkg cannot be read", hint: "pack again" } },
        {
          license: {
            type: "file",
            value: "LICENSE.txt",
            version: null,
            ids: [],
            exceptions: [],
            expressionError: null,
            fileText: "Permission is hereby granted",
            fileMissing: false,
          },
        },
      ),
    );
    render(App);
    const panel = await openTab("overview");
    expect(within(panel).getByTestId("license-text").textContent).toBe("Permission is hereby granted");
    expect(within(panel).getByTestId("symbols-error").textContent).toContain("x.snupkg cannot be read");
  });

  it("a package link asks first; Cancel is the default and Escape cancels", async () => {
    servePackage({
      open_link: (args) =>
        args.confirmed ? { status: "opened", url: args.url } : { status: "needsConfirmation", url: args.url, host: "my-lib.example" },
    });
    render(App);
    const panel = await openTab("overview");
    await fireEvent.click(within(panel).getByTestId("project-link"));
    const dialog = await screen.findByTestId("link-dialog");
    expect(dialog.getAttribute("role")).toBe("alertdialog");
    expect(screen.getByTestId("link-dialog-url").textContent).toBe("https://my-lib.example/");
    expect(document.activeElement).toBe(screen.getByTestId("link-cancel"));
    await fireEvent.keyDown(dialog, { key: "Escape" });
    expect(screen.queryByTestId("link-dialog")).toBeNull();
    expect(calls.filter((c) => c.cmd === "open_link").map((c) => c.args.confirmed)).toEqual([false]);

    await fireEvent.click(within(panel).getByTestId("project-link"));
    await fireEvent.click(await screen.findByTestId("link-confirm"));
    await vi.waitFor(() => expect(calls.filter((c) => c.cmd === "open_link").length).toBe(3));
    expect(calls.filter((c) => c.cmd === "open_link")[2].args).toEqual({
      url: "https://my-lib.example/",
      packagePath: "/pkgs/My.Lib.1.2.3.nupkg",
      confirmed: true,
    });
    expect(screen.queryByTestId("link-dialog")).toBeNull();
  });

  it("a refused link shows the core's reason", async () => {
    servePackage({
      open_link: () => {
        throw { code: "app.link_not_https", message: "Nupub opens only https links", hint: "copy the address" };
      },
    });
    render(App);
    const panel = await openTab("overview");
    await fireEvent.click(within(panel).getByTestId("project-link"));
    expect((await screen.findByRole("alert")).dataset.code).toBe("app.link_not_https");
  });

  it("readme: the sanitized HTML, with links kept inside the window", async () => {
    servePackage({ open_link: (args) => ({ status: "needsConfirmation", url: args.url, host: "docs.example" }) });
    render(App);
    const panel = await openTab("readme");
    const readme = within(panel).getByTestId("readme");
    expect(readme.querySelector("h1")?.textContent).toBe("My.Lib");
    expect((window as unknown as { pwned?: boolean }).pwned).toBeUndefined();
    expect(within(panel).getByTestId("remote-images").textContent).toContain("1\n      image");
    // An in-page anchor does not ask the core; a web link does.
    await fireEvent.click(readme.querySelector('a[href="#intro"]')!);
    expect(calls.some((c) => c.cmd === "open_link")).toBe(false);
    await fireEvent.click(readme.querySelector('a[href^="https"]')!);
    await screen.findByTestId("link-dialog");
    expect(calls.find((c) => c.cmd === "open_link")?.args.url).toBe("https://docs.example/x");
  });

  it("readme: none, or unreadable", async () => {
    servePackage({}, opened({}, { readme: null }));
    render(App);
    expect((await openTab("readme")).textContent).toContain("This package has no readme");
    cleanup();
    servePackage({}, opened({}, { readme: { path: "docs/README.md", entry: null, bytes: null, html: null, remoteImages: [], missingImages: [], plainTextFromLine: null, error: "docs/README.md is not in the package" } }));
    render(App);
    expect((await openTab("readme")).textContent).toContain("docs/README.md is not in the package");
  });

  it("dependencies: one collapsible group per framework", async () => {
    servePackage();
    render(App);
    const panel = await openTab("dependencies");
    const groups = within(panel).getAllByTestId("dependency-group") as HTMLDetailsElement[];
    expect(groups.length).toBe(2);
    expect(groups[0].querySelector("summary")?.textContent).toContain(".NET 8.0");
    expect(within(groups[0]).getAllByTestId("dependency").map((r) => r.textContent?.replace(/\s+/g, " ").trim())).toEqual([
      "Dep.One1.0.0 or later",
      "Dep.Two2.0.0 or later, before 3.0.0 exclude Build",
    ]);
    expect(groups[1].textContent).toContain("No dependencies for this framework.");
    expect(groups[0].open).toBe(true);
    expect(groups[1].open).toBe(false);
    groups[0].open = false;
    expect(groups[0].open).toBe(false);
  });

  it("files: a tree with sizes, and previews of text, images, binaries and failures", async () => {
    const previews: Record<string, unknown> = {
      "lib/net8.0/My.Lib.xml": { kind: "text", path: "lib/net8.0/My.Lib.xml", text: "<doc>hello</doc>", encoding: "utf-8" },
      "icon.png": { kind: "image", path: "icon.png", dataUrl: "data:image/png;base64,AAAA", format: "png", width: 64, height: 64 },
    };
    servePackage({
      // Assemblies show their identity and health (ui/src/components/tabs/FilesTab.test.ts covers that pane).
      assembly_info: () => {
        throw { code: "package.not_an_assembly", message: "lib/net8.0/My.Lib.dll is not an assembly Nupub can read", hint: "build it again" };
      },
      preview_entry: (args) => {
        const value = previews[String(args.entry)];
        if (!value) throw { code: "package.entry_corrupt", message: "the entry My.Lib.nuspec is damaged", hint: "build it again" };
        return value;
      },
    });
    render(App);
    const panel = await openTab("files");
    const folders = within(panel).getAllByTestId("tree-folder");
    expect(folders[0].textContent).toContain("lib");
    expect(folders[0].textContent).toContain("23.0 kB");
    const file = (path: string) => panel.querySelector(`[data-path="${path}"]`) as HTMLElement;
    expect(file("icon.png").textContent).toContain("1.2 kB");
    // Sub-folders start closed, and their files are not in the page until opened.
    const net8 = panel.querySelector('[data-folder="lib/net8.0"]') as HTMLElement;
    expect(net8.getAttribute("aria-expanded")).toBe("false");
    expect(file("lib/net8.0/My.Lib.xml")).toBeNull();
    await fireEvent.click(net8);
    expect(net8.getAttribute("aria-expanded")).toBe("true");

    await fireEvent.click(file("lib/net8.0/My.Lib.xml"));
    expect((await within(panel).findByTestId("preview-text")).textContent).toBe("<doc>hello</doc>");
    expect(file("lib/net8.0/My.Lib.xml").getAttribute("aria-pressed")).toBe("true");
    await fireEvent.click(file("icon.png"));
    const image = await within(panel).findByTestId("preview-image");
    expect(image.getAttribute("src")).toBe("data:image/png;base64,AAAA");
    expect(panel.textContent).toContain("64 × 64 pixels");
    await fireEvent.click(file("lib/net8.0/My.Lib.dll"));
    expect((await within(panel).findByRole("alert")).dataset.code).toBe("package.not_an_assembly");
    await fireEvent.click(file("My.Lib.nuspec"));
    expect((await within(panel).findByRole("alert")).dataset.code).toBe("package.entry_corrupt");
    expect(calls.filter((c) => c.cmd === "preview_entry").at(-1)?.args).toEqual({ path: "/pkgs/My.Lib.1.2.3.nupkg", entry: "My.Lib.nuspec" });
    // A top-level folder folds too.
    await fireEvent.click(panel.querySelector('[data-folder="lib"]') as HTMLElement);
    expect(file("lib/net8.0/My.Lib.dll")).toBeNull();
    expect(panel.querySelector('[data-folder="lib/net8.0"]')).toBeNull();
  });

  it("signature: signer, issuer, validity, timestamp and repository owners", async () => {
    servePackage({}, opened({}, { signature: signatureSample() }));
    render(App);
    const panel = await openTab("signature");
    expect(within(panel).getByTestId("signature-kind").textContent).toBe("Author and repository signed");
    expect(within(panel).getByTestId("signer").textContent).toBe("CN=Json.NET (.NET Foundation)");
    expect(within(panel).getByTestId("signature-details").textContent).toContain("2021-01-01 00:00 UTC to 2024-01-01 00:00 UTC");
    expect(within(panel).getByTestId("timestamp").textContent).toBe("2023-03-08 07:09 UTC");
    expect(within(panel).getByTestId("countersignature-owners").textContent).toBe("jamesnk, newtonsoft");
  });

  it("signature: an unsigned package is explained, not alarming", async () => {
    servePackage();
    render(App);
    const panel = await openTab("signature");
    expect(within(panel).getByTestId("unsigned").textContent).toContain("nuget.org adds its own repository signature");
  });
});

const finding = (severity: "error" | "warning" | "info", code: string, extra: Record<string, unknown> = {}) => ({
  code,
  severity,
  title: `Title of ${code}`,
  message: `Message of ${code}`,
  hint: `Fix for ${code}`,
  serverMessage: null as string | null,
  path: null as string | null,
  docs: null as string | null,
  ...extra,
});

describe("checks", () => {
  function serveChecks(reports: Record<string, unknown>, extra: Record<string, Handler> = {}) {
    servePackage({
      check_package: (args) => {
        const report = reports[String(args.target)];
        if (!report) throw { code: "rules.unknown_target", message: `no report for ${args.target}`, hint: "use nuget.org" };
        return report;
      },
      open_link: () => ({ status: "opened", url: "x" }),
      ...extra,
    });
  }

  const blocked = {
    package: { id: "My.Lib", version: "1.2.3" },
    target: "nuget.org",
    findings: [
      finding("error", "sign.countersignatures", {
        serverMessage: "Author countersignatures and repository countersignatures are not supported.",
        path: ".signature.p7s",
        docs: "https://learn.microsoft.com/nuget/reference/signed-packages-reference",
      }),
      finding("warning", "health.symbols_missing", { path: "lib/net8.0/My.Lib.dll" }),
      finding("info", "pack.nu5104"),
    ],
  };
  const warningsOnly = {
    package: { id: "My.Lib", version: "1.2.3" },
    target: "local",
    findings: [finding("warning", "readme.missing"), finding("warning", "license.url_only")],
  };

  it("are reached from the package header and show errors that block publishing", async () => {
    const pending = deferred<unknown>();
    servePackage({ check_package: () => pending.promise, open_link: () => ({ status: "opened", url: "x" }) });
    render(App);
    await fireEvent.click(await screen.findByTestId("go-checks"));
    expect(screen.getByTestId("step-checks").querySelector("[aria-current]")).not.toBeNull();
    expect(screen.getByTestId("checks-running").textContent).toContain("Checking the package for nuget.org");
    expect(calls.find((c) => c.cmd === "check_package")?.args).toEqual({ path: "/pkgs/My.Lib.1.2.3.nupkg", target: "nuget.org" });
    pending.resolve(blocked);

    const verdict = await screen.findByTestId("publish-blocked");
    expect(verdict.getAttribute("role")).toBe("alert");
    expect(verdict.textContent).toContain("Publishing to nuget.org is blocked.");
    expect(verdict.textContent).toContain("1 error must be fixed first");
    expect(screen.getByTestId("checks-summary").textContent?.replace(/\s+/g, " ")).toContain("1 error, 1 warning, 1 note for nuget.org");
    const error = within(screen.getByTestId("errors")).getByTestId("finding");
    expect(error.dataset.code).toBe("sign.countersignatures");
    expect(within(error).getByTestId("finding-fix").textContent).toBe("How to fix it: Fix for sign.countersignatures");
    expect(within(error).getByTestId("finding-server").textContent).toContain(
      "What nuget.org would say: Author countersignatures and repository countersignatures are not supported.",
    );
    await fireEvent.click(within(error).getByRole("button", { name: "Read more" }));
    expect(calls.find((c) => c.cmd === "open_link")?.args.url).toBe("https://learn.microsoft.com/nuget/reference/signed-packages-reference");
    expect(within(screen.getByTestId("notes")).getByTestId("finding").dataset.severity).toBe("info");
    // Back to the package.
    await fireEvent.click(within(screen.getByTestId("step-package")).getByRole("button"));
    expect(await screen.findByTestId("tab-overview")).toBeTruthy();
  });

  it("warnings are acknowledged one by one or all at once, per target", async () => {
    serveChecks({ "nuget.org": blocked, local: warningsOnly });
    render(App);
    await fireEvent.click(await screen.findByTestId("go-checks"));
    await screen.findByTestId("publish-blocked");
    const select = screen.getByTestId("target-select") as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(["nuget.org", "github", "azure", "myget", "generic", "local"]);
    await fireEvent.change(select, { target: { value: "local" } });
    expect((await screen.findByTestId("checks-warnings-left")).textContent).toContain("2 warnings need your attention");
    expect(calls.filter((c) => c.cmd === "check_package").at(-1)?.args.target).toBe("local");
    expect(screen.queryByTestId("publish-blocked")).toBeNull();

    const boxes = screen.getAllByTestId("acknowledge") as HTMLInputElement[];
    await fireEvent.click(boxes[0]);
    expect(screen.getByTestId("checks-warnings-left").textContent).toContain("1 warning needs your attention");
    await fireEvent.click(screen.getByTestId("acknowledge-all"));
    expect(screen.getByTestId("checks-ready").textContent).toContain("Nothing blocks publishing to a local folder feed.");
    expect(screen.getByTestId("checks-ready").textContent).toContain("2 acknowledged warnings.");
    await fireEvent.click(boxes[1]);
    expect(screen.getByTestId("checks-warnings-left")).toBeTruthy();

    // Acknowledgements belong to the target they were made for.
    await fireEvent.change(select, { target: { value: "nuget.org" } });
    await screen.findByTestId("publish-blocked");
    expect((screen.getAllByTestId("acknowledge") as HTMLInputElement[])[0].checked).toBe(false);
  });

  it("a failed check shows the core error", async () => {
    serveChecks({});
    render(App);
    await fireEvent.click(await screen.findByTestId("go-checks"));
    expect((await screen.findByRole("alert")).dataset.code).toBe("rules.unknown_target");
  });

  it("a package with nothing to report says so", async () => {
    serveChecks({ "nuget.org": { package: { id: "My.Lib", version: "1.2.3" }, target: "nuget.org", findings: [] } });
    render(App);
    await fireEvent.click(await screen.findByTestId("go-checks"));
    expect((await screen.findByTestId("checks-ready")).textContent).toContain("Nothing blocks publishing to nuget.org.");
    expect(screen.getByTestId("checks-clean")).toBeTruthy();
  });

  it("the Health tab lists the assemblies' health findings", async () => {
    servePackage({ package_health: () => [finding("warning", "health.source_link", { path: "lib/net8.0/My.Lib.dll" })] });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-health"));
    const card = await screen.findByTestId("finding");
    expect(card.dataset.code).toBe("health.source_link");
    expect(card.textContent).toContain("lib/net8.0/My.Lib.dll");
    expect(calls.find((c) => c.cmd === "package_health")?.args).toEqual({ path: "/pkgs/My.Lib.1.2.3.nupkg" });
  });

  it("the Health tab: clean, or an error", async () => {
    servePackage({ package_health: () => [] });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-health"));
    expect((await screen.findByTestId("health-clean")).textContent).toContain("No health problems");
    cleanup();
    servePackage({
      package_health: () => {
        throw { code: "package.unreadable", message: "cannot read", hint: "check permissions" };
      },
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-health"));
    expect((await screen.findByRole("alert")).dataset.code).toBe("package.unreadable");
  });
});

function signatureSample() {
  return {
    kind: "authorWithRepositoryCountersignature" as const,
    subject: "CN=Json.NET (.NET Foundation)",
    issuer: "CN=.NET Foundation Projects Code Signing CA",
    notBefore: "2021-01-01T00:00:00Z",
    notAfter: "2024-01-01T00:00:00Z",
    sha256: "AB".repeat(32),
    timestampTime: "2023-03-08T07:09:10Z",
    serviceIndexUrl: null,
    repositoryOwners: [],
    repositoryCountersignature: {
      subject: "CN=NuGet.org Repository by Microsoft",
      issuer: "CN=DigiCert",
      notBefore: "2021-01-01T00:00:00Z",
      notAfter: "2024-01-01T00:00:00Z",
      sha256: null,
      timestampTime: "2023-03-08T08:00:00Z",
      timestampUnreadable: false,
      serviceIndexUrl: "https://api.nuget.org/v3/index.json",
      owners: ["jamesnk", "newtonsoft"],
    },
    error: null,
  };
}
