import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import CiHelper from "./CiHelper.svelte";
import { toOptions } from "./ciApi";
import type { WorkflowPlan } from "../bindings/WorkflowPlan";
import type { Diagnosis } from "../bindings/Diagnosis";

type Args = Record<string, unknown>;
let calls: { cmd: string; args: Args }[] = [];
function serve(handlers: Record<string, (args: Args) => unknown>) {
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Args });
    const handler = handlers[cmd];
    if (!handler) throw new Error(`unmocked command ${cmd}`);
    return handler((args ?? {}) as Args);
  });
}

function plan(over: Partial<WorkflowPlan> = {}): WorkflowPlan {
  return {
    packageId: "Ann.Widgets",
    repository: {
      owner: "Ann-Org",
      name: "Widgets",
      url: "https://github.com/Ann-Org/Widgets",
      origin: "gitRemote",
      checkout: "/src/Widgets",
      defaultBranch: "main",
      note: null,
    },
    mode: "nupub",
    fileName: "publish-nuget.yml",
    relativePath: ".github/workflows/publish-nuget.yml",
    target: "/src/Widgets/.github/workflows/publish-nuget.yml",
    exists: false,
    project: null,
    yaml: "name: Publish to nuget.org\n",
    policy: {
      policyName: "publish-nuget",
      repositoryOwner: "Ann-Org",
      repository: "Widgets",
      workflowFile: "publish-nuget.yml",
      environment: "",
      creator: null,
      page: "https://www.nuget.org/account/trustedpublishing",
    },
    secrets: ["NUGET_USER"],
    ...over,
  };
}

beforeEach(() => {
  calls = [];
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("toOptions", () => {
  it("turns blanks into none and trims the rest", () => {
    expect(toOptions({ mode: "dotnet", user: "  ", environment: " prod ", fileName: "" })).toEqual({
      mode: "dotnet",
      user: null,
      environment: "prod",
      fileName: null,
      mygetFeed: null,
    });
  });
});

describe("CiHelper", () => {
  it("shows the repository, the workflow and the policy values, and writes only when asked", async () => {
    serve({
      ci_workflow_plan: () => plan(),
      ci_write_workflow: () => "/src/Widgets/.github/workflows/publish-nuget.yml",
    });
    render(CiHelper, { path: "/src/Widgets/bin/Ann.Widgets.1.0.0.nupkg", onClose: () => {} });
    await screen.findByTestId("ci-yaml");
    expect(screen.getByTestId("ci-repository").textContent).toContain("Ann-Org/Widgets");
    expect(screen.getByTestId("policy-owner").textContent).toBe("Ann-Org");
    expect(screen.getByTestId("policy-workflow").textContent).toBe("publish-nuget.yml");
    expect(screen.getByTestId("policy-environment").textContent).toBe("(leave empty)");
    expect(screen.queryByTestId("copy-environment")).toBeNull();
    expect(calls.filter((c) => c.cmd === "ci_write_workflow")).toHaveLength(0);

    await fireEvent.click(screen.getByTestId("ci-write"));
    await screen.findByTestId("ci-written");
    const write = calls.find((c) => c.cmd === "ci_write_workflow");
    expect(write?.args.shown).toBe("name: Publish to nuget.org\n");
    expect(write?.args.overwrite).toBe(false);
  });

  it("replaces an existing file only after a second yes", async () => {
    serve({
      ci_workflow_plan: () => plan({ exists: true }),
      ci_write_workflow: (args) => {
        if (!args.overwrite) throw { code: "ci.workflow.exists", message: "exists", hint: null };
        return "/x";
      },
    });
    render(CiHelper, { path: "/p.nupkg", onClose: () => {} });
    await screen.findByTestId("ci-exists");
    expect(screen.queryByTestId("ci-write")).toBeNull();
    await fireEvent.click(screen.getByTestId("ci-replace"));
    await fireEvent.click(screen.getByTestId("ci-replace-confirm"));
    await screen.findByTestId("ci-written");
    expect(calls.find((c) => c.cmd === "ci_write_workflow")?.args.overwrite).toBe(true);
  });

  it("shows a plan error with its fix", async () => {
    serve({
      ci_workflow_plan: () => {
        throw { code: "ci.workflow.no_repository", message: "no GitHub repository was found", hint: "add <repository>" };
      },
    });
    render(CiHelper, { path: "/p.nupkg", onClose: () => {} });
    const error = await screen.findByTestId("error");
    expect(error.dataset.code).toBe("ci.workflow.no_repository");
    expect(screen.queryByTestId("ci-yaml")).toBeNull();
  });

  it("the doctor lists each cause with its fix", async () => {
    const diagnosis: Diagnosis = {
      findings: [
        {
          code: "ci.cause.workflow_mismatch",
          title: "The policy names another workflow file",
          explanation: "why",
          fix: "Edit the policy",
          line: 3,
          excerpt: "Workflow mismatch for policy 'p'",
        },
      ],
      linesRead: 4,
      truncated: false,
      policyPage: "https://www.nuget.org/account/trustedpublishing",
    };
    serve({ ci_workflow_plan: () => plan(), ci_diagnose: () => diagnosis });
    render(CiHelper, { path: "/p.nupkg", onClose: () => {} });
    const button = await screen.findByTestId("ci-diagnose");
    expect((button as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("ci-log"), { target: { value: "a\nb\nWorkflow mismatch for policy 'p'\n" } });
    await fireEvent.click(button);
    const finding = await screen.findByTestId("ci-finding");
    expect(finding.dataset.code).toBe("ci.cause.workflow_mismatch");
    expect(finding.textContent).toContain("Edit the policy");
    await waitFor(() => expect(calls.find((c) => c.cmd === "ci_diagnose")?.args.log).toContain("Workflow mismatch"));
  });
});
