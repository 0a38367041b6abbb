// The Files tab's assemblies: TFM badges in the tree, and the identity and
// health pane in its loaded, loading, error and native states. IPC goes
// through Tauri's own mock; the data has the shapes the Rust commands send.
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, within } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import FilesTab from "./FilesTab.svelte";
import { assemblyBadge, isAssembly } from "./assembly";
import { opened } from "../../../testing/opened";
import type { AssemblyDetails } from "../../../bindings/AssemblyDetails";
import type { AssemblyInfo } from "../../../bindings/AssemblyInfo";
import type { FileInfo } from "../../../bindings/FileInfo";

type Args = Record<string, unknown>;
let calls: { cmd: string; args: Args }[] = [];

function serve(assemblyInfo: (args: Args) => unknown) {
  calls = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Args });
    if (cmd === "assembly_info") return assemblyInfo((args ?? {}) as Args);
    throw new Error(`unmocked command ${cmd}`);
  });
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const file = (path: string, extra: Partial<FileInfo> = {}): FileInfo => ({
  path,
  displayPath: path.replace(/\\/g, "/"),
  size: 1000,
  compressedSize: 500,
  group: "lib",
  targetFramework: null,
  runtime: null,
  ...extra,
});

const files: FileInfo[] = [
  file("My.Lib.nuspec", { group: "nuspec" }),
  file("lib/net8.0/My.Lib.dll", { targetFramework: "net8.0" }),
  file("lib/net8.0/My.Lib.xml", { targetFramework: "net8.0" }),
  file("runtimes/win-x64/native/e_sqlite3.dll", { group: "runtimes", runtime: "win-x64" }),
  file("tools/install.exe", { group: "tools" }),
];

const identity = (extra: Partial<AssemblyInfo> = {}): AssemblyInfo => ({
  path: "lib/net8.0/My.Lib.dll",
  kind: "managed",
  architecture: "AnyCPU",
  name: "My.Lib",
  version: "1.2.0.0",
  culture: null,
  publicKeyToken: "0123456789abcdef",
  metadataVersion: "v4.0.30319",
  frameworkAttribute: ".NETCoreApp,Version=v8.0",
  targetFramework: "net8.0",
  runtime: null,
  ...extra,
});

const managed: AssemblyDetails = {
  path: "lib/net8.0/My.Lib.dll",
  identity: identity(),
  identityError: null,
  healthNote: null,
  checks: [
    { code: "health.deterministic", check: "Deterministic build", status: "passed", reason: null, fix: "build with <Deterministic>true</Deterministic>", docs: null },
    {
      code: "health.symbols_missing",
      check: "Symbols available",
      status: "failed",
      reason: "lib/net8.0/My.Lib.dll has no symbols: no PDB beside it in the package.",
      fix: "ship symbols: <IncludeSymbols>true</IncludeSymbols>",
      docs: null,
    },
    { code: "health.source_link", check: "Source Link", status: "notChecked", reason: "there is no PDB to check", fix: "add Source Link", docs: null },
  ],
};

function renderTab() {
  const pkg = opened();
  pkg.inspection.files = files;
  const view = render(FilesTab, { opened: pkg });
  const row = (path: string) => view.container.querySelector(`[data-path="${path}"]`) as HTMLElement;
  const folder = (path: string) => view.container.querySelector(`[data-folder="${path}"]`) as HTMLElement;
  return { ...view, row, folder, pane: () => within(view.getByTestId("file-preview")) };
}

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("assembly rows", () => {
  it("recognise assemblies and badge them from the path the core classified", () => {
    expect(isAssembly("lib/net8.0/A.DLL")).toBe(true);
    expect(isAssembly("tools/a.exe")).toBe(true);
    expect(isAssembly("lib/net8.0/A.xml")).toBe(false);
    expect(assemblyBadge(files[1])).toBe("net8.0");
    expect(assemblyBadge(files[2])).toBeNull();
    expect(assemblyBadge(files[3])).toBe("win-x64");
    expect(assemblyBadge(files[4])).toBeNull();
  });

  it("show a TFM badge in the tree without asking the core", async () => {
    serve(() => managed);
    const { row, folder } = renderTab();
    await fireEvent.click(folder("lib/net8.0"));
    const badge = within(row("lib/net8.0/My.Lib.dll")).getByTestId("tfm-badge");
    expect(badge.textContent).toBe(", assembly for net8.0");
    expect(within(row("lib/net8.0/My.Lib.xml")).queryByTestId("tfm-badge")).toBeNull();
    expect(calls).toEqual([]);
  });
});

describe("assembly pane", () => {
  it("loading keeps the labels in place, then shows identity and each check", async () => {
    const answer = deferred<AssemblyDetails>();
    serve(() => answer.promise);
    const { row, folder, pane } = renderTab();
    await fireEvent.click(folder("lib/net8.0"));
    await fireEvent.click(row("lib/net8.0/My.Lib.dll"));
    expect(calls).toEqual([{ cmd: "assembly_info", args: { path: "/pkgs/My.Lib.1.2.3.nupkg", entry: "lib/net8.0/My.Lib.dll" } }]);
    const panel = pane().getByTestId("assembly-panel");
    expect(panel.getAttribute("aria-busy")).toBe("true");
    expect(panel.textContent).toContain("Reading the assembly…");
    expect(pane().getByTestId("assembly-version").textContent).toBe("…");
    const labels = () => [...panel.querySelectorAll("dt")].map((d) => d.textContent);
    const loadingLabels = labels();
    expect(loadingLabels).toEqual(["Name", "Version", "Culture", "Public-key token", "Target framework", "Platform"]);

    answer.resolve(managed);
    await expect.poll(() => pane().queryByTestId("assembly-health")).not.toBeNull();
    expect(panel.getAttribute("aria-busy")).toBe("false");
    expect(labels()).toEqual(loadingLabels);
    expect(pane().getByTestId("assembly-name").textContent).toBe("My.Lib");
    expect(pane().getByTestId("assembly-version").textContent).toBe("1.2.0.0");
    expect(pane().getByTestId("assembly-culture").textContent).toBe("neutral");
    expect(pane().getByTestId("assembly-token").textContent?.trim()).toBe("0123456789abcdef");
    expect(pane().getByTestId("assembly-tfm").textContent).toContain("net8.0");
    expect(pane().getByTestId("assembly-tfm").textContent).toContain(".NETCoreApp,Version=v8.0");
    expect(pane().getByTestId("assembly-health-summary").textContent).toContain("1 of 3 checks failed");
    const checks = pane().getAllByTestId("health-check");
    expect(checks.map((c) => c.dataset.status)).toEqual(["passed", "failed", "notChecked"]);
    // A failed check says which file failed, why, and the MSBuild property that fixes it.
    expect(checks[1].textContent).toContain("Symbols available");
    expect(checks[1].textContent).toContain("Failed");
    expect(checks[1].textContent).toContain("lib/net8.0/My.Lib.dll has no symbols");
    expect(checks[1].textContent).toContain("How to fix it: ship symbols: <IncludeSymbols>true</IncludeSymbols>");
    // A passed check shows no fix; a check not made says why.
    expect(checks[0].textContent).not.toContain("How to fix it");
    expect(checks[2].textContent).toContain("Not checked");
    expect(checks[2].textContent).toContain("there is no PDB to check");
    expect(pane().getByRole("list", { name: "Health checks for lib/net8.0/My.Lib.dll" })).toBeTruthy();
  });

  it("an error from the core shows code, message and hint", async () => {
    serve(() => {
      throw { code: "package.no_such_entry", message: "the entry lib/net8.0/My.Lib.dll is not in the package", hint: "check the path" };
    });
    const { row, folder, pane } = renderTab();
    await fireEvent.click(folder("lib/net8.0"));
    await fireEvent.click(row("lib/net8.0/My.Lib.dll"));
    const alert = await pane().findByRole("alert");
    expect(alert.dataset.code).toBe("package.no_such_entry");
    expect(alert.textContent).toContain("is not in the package");
    expect(alert.textContent).toContain("check the path");
  });

  it("an unreadable assembly shows its identity error and the failed check", async () => {
    serve(() => ({
      path: "lib/net8.0/My.Lib.dll",
      identity: null,
      identityError: { code: "package.not_an_assembly", message: "lib/net8.0/My.Lib.dll is not an assembly Nupub can read", hint: "build it again" },
      healthNote: null,
      checks: [
        { code: "health.unreadable_assembly", check: "Readable assembly", status: "failed", reason: "lib/net8.0/My.Lib.dll cannot be read", fix: "build the assembly again", docs: null },
        { code: "health.deterministic", check: "Deterministic build", status: "notChecked", reason: "the assembly could not be read", fix: null, docs: null },
      ],
    }));
    const { row, folder, pane } = renderTab();
    await fireEvent.click(folder("lib/net8.0"));
    await fireEvent.click(row("lib/net8.0/My.Lib.dll"));
    const alert = await pane().findByRole("alert");
    expect(alert.dataset.code).toBe("package.not_an_assembly");
    expect(pane().getByTestId("assembly-panel").textContent).toContain("Unreadable assembly");
    expect(pane().getByTestId("assembly-version").textContent).toBe("—");
    expect(pane().getAllByTestId("health-check").map((c) => c.dataset.status)).toEqual(["failed", "notChecked"]);
  });

  it("a native library shows its platform and RID, and why health does not apply", async () => {
    serve(() => ({
      path: "runtimes/win-x64/native/e_sqlite3.dll",
      identity: identity({
        path: "runtimes/win-x64/native/e_sqlite3.dll",
        kind: "native",
        architecture: "x64",
        name: null,
        version: null,
        publicKeyToken: null,
        metadataVersion: null,
        frameworkAttribute: null,
        targetFramework: null,
        runtime: "win-x64",
      }),
      identityError: null,
      healthNote: "This is a native library: the health checks apply to .NET assemblies.",
      checks: [],
    }));
    const { row, folder, pane } = renderTab();
    await fireEvent.click(folder("runtimes/win-x64"));
    await fireEvent.click(folder("runtimes/win-x64/native"));
    await fireEvent.click(row("runtimes/win-x64/native/e_sqlite3.dll"));
    await expect.poll(() => pane().queryByTestId("assembly-health-note")).not.toBeNull();
    expect(pane().getByTestId("assembly-panel").textContent).toContain("Native library");
    expect(pane().queryByTestId("assembly-version")).toBeNull();
    expect(pane().getByTestId("assembly-architecture").textContent).toBe("x64");
    expect(pane().getByTestId("assembly-rid").textContent).toBe("win-x64");
    expect(pane().getByTestId("assembly-health-note").textContent).toContain("native library");
    expect(pane().queryAllByTestId("health-check")).toEqual([]);
  });

  it("is reachable by keyboard: rows are buttons, and a newer choice wins", async () => {
    const slow = deferred<AssemblyDetails>();
    serve((args) => (args.entry === "lib/net8.0/My.Lib.dll" ? slow.promise : managed));
    const { row, folder, pane } = renderTab();
    await fireEvent.click(folder("lib/net8.0"));
    const dll = row("lib/net8.0/My.Lib.dll");
    expect(dll.tagName).toBe("BUTTON");
    dll.focus();
    expect(document.activeElement).toBe(dll);
    await fireEvent.click(dll);
    // Choosing a text file while the assembly is still loading: the late answer is dropped.
    mockIPC((cmd) => {
      if (cmd === "preview_entry") return { kind: "text", path: "lib/net8.0/My.Lib.xml", text: "<doc/>", encoding: "utf-8" };
      throw new Error(`unmocked ${cmd}`);
    });
    await fireEvent.click(row("lib/net8.0/My.Lib.xml"));
    expect((await pane().findByTestId("preview-text")).textContent).toBe("<doc/>");
    slow.resolve(managed);
    await new Promise((r) => setTimeout(r, 0));
    expect(pane().queryByTestId("assembly-panel")).toBeNull();
    expect(pane().getByTestId("preview-text").textContent).toBe("<doc/>");
  });
});

describe("names", () => {
  it("show the display form Rust decided, never the raw name", () => {
    const pkg = opened();
    pkg.inspection.files = [
      file("content/\u202Egnp.exe", { group: "content", displayPath: "content/\\u202Egnp.exe" }),
      file("content/a\u200Db.txt", { group: "content", displayPath: "content/a\\u200Db.txt" }),
    ];
    const view = render(FilesTab, { opened: pkg });
    // Top-level folders start open.
    const names = [...view.container.querySelectorAll(".file-name")].map((n) => n.textContent ?? "");
    expect(names).toContain("\\u202Egnp.exe");
    expect(names).toContain("a\\u200Db.txt");
    expect(view.container.textContent).not.toContain("\u202E");
    expect(view.container.textContent).not.toContain("\u200D");
    // The real path still addresses the entry.
    expect(view.container.querySelector(`[data-path="content/\u202Egnp.exe"]`)).not.toBeNull();
  });
});
