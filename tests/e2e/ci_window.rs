//! "Publish from GitHub Actions" in the real window: the app under Xvfb opens
//! a package inside a git checkout made in the test, the helper shows the
//! repository, the workflow and nuget.org's policy values, writes nothing
//! until asked, writes exactly what it showed, never replaces the file without
//! a second confirmation, and the doctor names the cause in a pasted log.
#![allow(clippy::unwrap_used)]

use nupub_testkit::ci::fixture_repository;
use nupub_testkit::window::{AppWindow, Launch};
use std::path::Path;

fn launch(package: &Path, root: &Path) -> Launch {
    Launch {
        args: vec![package.display().to_string()],
        env: vec![(
            "NUPUB_CONFIG_DIR".into(),
            root.join("config").display().to_string(),
        )],
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_helper_shows_the_values_and_writes_the_workflow_after_confirmation() {
    let root = tempfile::tempdir().unwrap();
    let repo = root.path().join("Widgets.Lib");
    std::fs::create_dir_all(&repo).unwrap();
    let package = fixture_repository(&repo);
    let target = repo.join(".github/workflows/publish-nuget.yml");

    let window = AppWindow::launch(launch(&package, root.path())).await;
    window.click("[data-testid=go-ci]").await;
    let yaml = window
        .wait_for_text("[data-testid=ci-yaml]", |t| t.contains("nupub push"))
        .await;
    assert!(yaml.contains("${{ secrets.NUGET_USER }}"), "{yaml}");
    let repository = window.text_of("[data-testid=ci-repository]").await;
    assert!(
        repository.contains("Ann-Org/Widgets.Lib") && repository.contains("trunk"),
        "{repository}"
    );
    assert_eq!(
        window.text_of("[data-testid=policy-owner]").await,
        "Ann-Org"
    );
    assert_eq!(
        window.text_of("[data-testid=policy-repository]").await,
        "Widgets.Lib"
    );
    assert_eq!(
        window.text_of("[data-testid=policy-workflow]").await,
        "publish-nuget.yml"
    );
    window.find("[data-testid=copy-owner]").await;
    let page = window.text_of("[data-testid=ci-policy-page]").await;
    assert_eq!(page, "https://www.nuget.org/account/trustedpublishing");
    window.screenshot("ci-helper-1-shown").await;
    assert!(!target.exists(), "nothing is written before the user asks");

    // A user name typed in changes the workflow and the policy's creator line.
    window
        .find("[data-testid=ci-user]")
        .await
        .send_keys("ann")
        .await
        .unwrap();
    window
        .wait_for_text("[data-testid=ci-yaml]", |t| t.contains("NUGET_USER: 'ann'"))
        .await;

    window.click("[data-testid=ci-write]").await;
    let written = window
        .wait_for_text("[data-testid=ci-written]", |t| !t.is_empty())
        .await;
    assert!(written.contains(&target.display().to_string()), "{written}");
    let on_disk = std::fs::read_to_string(&target).unwrap();
    let shown = window
        .eval("return document.querySelector('[data-testid=ci-yaml]').textContent")
        .await;
    assert_eq!(
        on_disk,
        shown.as_str().unwrap(),
        "what is written is what was shown"
    );
    window.screenshot("ci-helper-2-written").await;

    // With the file there, choosing another mode asks before replacing it.
    std::fs::write(&target, "# the user's own workflow\n").unwrap();
    window.click("[data-testid=ci-mode-dotnet]").await;
    window.find("[data-testid=ci-exists]").await;
    window.click("[data-testid=ci-replace]").await;
    window.click("[data-testid=ci-replace-cancel]").await;
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "# the user's own workflow\n"
    );
    window.click("[data-testid=ci-replace]").await;
    window.click("[data-testid=ci-replace-confirm]").await;
    window
        .wait_for_text("[data-testid=ci-written]", |t| !t.is_empty())
        .await;
    let replaced = std::fs::read_to_string(&target).unwrap();
    assert!(replaced.contains("NuGet/login@v1"), "{replaced}");

    // The doctor.
    window
        .find("[data-testid=ci-log]")
        .await
        .send_keys("Run NuGet/login@v1\nError: Token exchange failed (HTTP 400): Generating fetching tokens directly for organizations is not supported.\n")
        .await
        .unwrap();
    window.click("[data-testid=ci-diagnose]").await;
    window.find("[data-testid=ci-finding]").await;
    let code = window
        .eval("return document.querySelector('[data-testid=ci-finding]').dataset.code")
        .await;
    assert_eq!(code, "ci.cause.organization_user");
    let finding = window.text_of("[data-testid=ci-finding]").await;
    assert!(finding.contains("not the organization"), "{finding}");
    window.screenshot("ci-helper-3-doctor").await;
    window.close().await;
}
