//! Nupub as an installed desktop app: the .deb (unpacked into a temporary
//! root, never installed into the machine), its desktop entry and file types
//! read by the freedesktop tools, a launch through the desktop entry, one
//! window for a second launch, and a real drag from another X program.
//!
//! Needs `bash scripts/package --debug` first and, for the window parts, the
//! X display and D-Bus session `scripts/with-peers` provides.
#![allow(clippy::unwrap_used)]

use nupub_testkit::desktop::{cmd, deb_path, file_uri, python_gi, run, PrivateDisplay, Unpacked};
use nupub_testkit::fixture;
use nupub_testkit::window::{AppWindow, Launch};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const NUPKG: &str = "application/x-nupkg";
const SNUPKG: &str = "application/x-snupkg";

fn desktop_entry(u: &Unpacked) -> std::collections::HashMap<String, String> {
    let text = std::fs::read_to_string(u.usr("share/applications/Nupub.desktop")).unwrap();
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn the_deb_holds_the_app_the_command_the_entry_icons_and_file_types() {
    let u = Unpacked::new();
    for f in [
        "bin/nupub-app",
        "bin/nupub",
        "share/mime/packages/nupub.xml",
        "share/doc/nupub/copyright",
        "share/icons/hicolor/scalable/apps/nupub-app.svg",
    ] {
        assert!(u.usr(f).is_file(), "{f} is not in the .deb");
    }
    for size in [16, 24, 32, 48, 64, 128, 256, 512] {
        let icon = u.usr(&format!(
            "share/icons/hicolor/{size}x{size}/apps/nupub-app.png"
        ));
        let png = std::fs::read(&icon).unwrap_or_else(|e| panic!("{}: {e}", icon.display()));
        assert_eq!(
            nupub_testkit::window::png_size(&png),
            Some((size, size)),
            "{}",
            icon.display()
        );
    }
    // The command line from the package runs.
    let mut version = u.command(u.usr("bin/nupub"));
    version.arg("--version");
    let out = run(version, 30);
    assert!(out.status.success());
    assert!(stdout(&out).contains(env!("CARGO_PKG_VERSION")), "{out:?}");

    // The desktop entry is valid and says what the issue asks for.
    let out = run(
        cmd(
            "desktop-file-validate",
            &[u.usr("share/applications/Nupub.desktop")],
        ),
        30,
    );
    assert!(out.status.success() && out.stdout.is_empty(), "{out:?}");
    let entry = desktop_entry(&u);
    assert_eq!(entry["Name"], "Nupub");
    assert_eq!(entry["GenericName"], "NuGet Package Publisher");
    assert_eq!(
        entry["Comment"],
        "Inspect, check and publish NuGet packages"
    );
    assert_eq!(entry["Categories"], "Development;");
    assert_eq!(entry["Exec"], "nupub-app %F");
    assert_eq!(entry["Icon"], "nupub-app");
    assert_eq!(entry["MimeType"], format!("{NUPKG};{SNUPKG};"));
}

#[test]
fn packages_get_nupubs_file_types_and_open_with_its_desktop_entry() {
    let u = Unpacked::new();
    let out = run(cmd("update-mime-database", &[u.usr("share/mime")]), 60);
    assert!(out.status.success());
    let out = run(
        cmd("update-desktop-database", &[u.usr("share/applications")]),
        60,
    );
    assert!(out.status.success());

    // A class of files: real packages, upper-case names, a package renamed to
    // .zip (stays a zip: our magic must not capture every zip), a text file.
    let files = tempfile::tempdir().unwrap();
    let copy = |from: &str, to: &str| {
        let p = files.path().join(to);
        std::fs::copy(fixture(from), &p).unwrap();
        p
    };
    let cases = [
        (fixture("Newtonsoft.Json.13.0.3.nupkg"), NUPKG),
        (fixture("TestData.1.2.3.snupkg"), SNUPKG),
        (fixture("PreReleaseTestPackage.1.0.0-a.nupkg"), NUPKG),
        (copy("TestData.1.2.3.nupkg", "UPPER.1.0.0.NUPKG"), NUPKG),
        (copy("TestData.1.2.3.snupkg", "Upper.1.0.0.SNUPKG"), SNUPKG),
        (
            copy("TestData.1.2.3.nupkg", "renamed.zip"),
            "application/zip",
        ),
        (fixture("MANIFEST.md"), "text/markdown"),
    ];
    for (file, want) in &cases {
        let mut c = u.command("xdg-mime");
        c.args(["query", "filetype"]).arg(file);
        let out = run(c, 30);
        assert_eq!(stdout(&out), *want, "file type of {}", file.display());
    }
    for mime in [NUPKG, SNUPKG] {
        let mut c = u.command("xdg-mime");
        c.args(["query", "default", mime]);
        assert_eq!(stdout(&run(c, 30)), "Nupub.desktop", "default for {mime}");
    }
    // A .snupkg is also a NuGet package, and both are zips, for programs that only know those.
    let xml = std::fs::read_to_string(u.usr("share/mime/packages/nupub.xml")).unwrap();
    assert!(xml.contains(r#"<sub-class-of type="application/zip"/>"#));
    assert!(xml.contains(r#"<sub-class-of type="application/x-nupkg"/>"#));
    assert!(xml.contains(r#"value="PK\003\004""#));
}

#[test]
fn the_declared_dependencies_cover_every_library_the_binaries_link() {
    let u = Unpacked::new();
    let out = run(
        cmd(
            "dpkg-deb",
            &[Path::new("-f"), &deb_path(), Path::new("Depends")],
        ),
        30,
    );
    let depends: BTreeSet<String> = stdout(&out)
        .split(',')
        .map(|d| d.split_whitespace().next().unwrap_or("").to_string())
        .filter(|d| !d.is_empty())
        .collect();
    // What `apt install ./nupub.deb` must pull: WebKitGTK, GTK, libdbus (the keyring's transport).
    for must in ["libwebkit2gtk-4.1-0", "libgtk-3-0", "libdbus-1-3", "libc6"] {
        assert!(depends.contains(must), "{must} not in Depends {depends:?}");
    }
    let mut checked = 0;
    for bin in ["bin/nupub-app", "bin/nupub"] {
        let dump = stdout(&run(cmd("objdump", &[Path::new("-p"), &u.usr(bin)]), 30));
        let ldd = stdout(&run(cmd("ldd", &[u.usr(bin)]), 30));
        for needed in dump.lines().filter_map(|l| l.trim().strip_prefix("NEEDED")) {
            let soname = needed.trim();
            let path = ldd
                .lines()
                .find_map(|l| {
                    let l = l.trim();
                    match l.split_once(" => ") {
                        Some((name, rest)) => (name == soname)
                            .then(|| rest.split(" (").next().unwrap_or("").to_string()),
                        // The loader: "/lib64/ld-linux-x86-64.so.2 (0x…)".
                        None => l
                            .split(' ')
                            .next()
                            .filter(|p| p.ends_with(&format!("/{soname}")))
                            .map(str::to_string),
                    }
                })
                .unwrap_or_else(|| panic!("{bin}: {soname} not resolved by ldd:\n{ldd}"));
            let real = std::fs::canonicalize(&path).unwrap();
            let owner = [Path::new(&path).to_path_buf(), real.clone()]
                .iter()
                .find_map(|p| {
                    let out = run(cmd("dpkg-query", &[Path::new("-S"), p]), 30);
                    out.status.success().then(|| stdout(&out))
                })
                .unwrap_or_else(|| panic!("no package owns {path}"));
            let package = owner.split(':').next().unwrap().to_string();
            assert!(
                depends.contains(&package),
                "{bin} links {soname} from {package}, which Depends does not name: {depends:?}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} libraries checked");
}

#[test]
fn lintian_finds_no_errors_offline() {
    // Known and accepted: the project has no mail address for Maintainer yet,
    // and so no changelog (its trailer needs one). Set bundle.publisher to
    // "Name <mail>" and add a changelog when it has one.
    let accepted = ["malformed-contact", "no-changelog"];
    let out = run(
        cmd(
            "lintian",
            &[
                Path::new("--tag-display-limit"),
                Path::new("0"),
                &deb_path(),
            ],
        ),
        600,
    );
    let text = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    let errors: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("E: "))
        .filter(|l| !accepted.iter().any(|tag| l.contains(&format!(": {tag} "))))
        .collect();
    assert!(
        text.lines().any(|l| l.contains("malformed-contact")),
        "lintian did not run on the package:\n{text}"
    );
    assert!(errors.is_empty(), "lintian errors:\n{}", errors.join("\n"));
}

#[test]
fn the_rpm_is_built_too() {
    let rpm = deb_path().parent().unwrap().parent().unwrap().join(format!(
        "rpm/Nupub-{}-1.x86_64.rpm",
        env!("CARGO_PKG_VERSION")
    ));
    let bytes = std::fs::read(&rpm).unwrap_or_else(|e| panic!("{}: {e}", rpm.display()));
    assert_eq!(&bytes[..4], b"\xed\xab\xee\xdb", "not an rpm");
    assert!(bytes.len() > 1_000_000);
}

/// Waits (up to 60 s) for the detached app processes to settle at `n`.
fn wait_for_app_count(u: &Unpacked, n: usize) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while u.app_pids().len() != n {
        assert!(
            std::time::Instant::now() < deadline,
            "expected {n} app processes, found {:?}",
            u.app_pids()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_desktop_entry_opens_a_package_and_a_second_launch_uses_the_same_window() {
    let x = PrivateDisplay::start();
    let mut u = Unpacked::new();
    u.display = Some(x.name.clone());
    run(
        cmd("update-desktop-database", &[u.usr("share/applications")]),
        60,
    );
    // As a file manager does on a double click: the desktop entry with the file.
    let launch = |file: &Path| {
        // gtk-launch starts the app detached and exits; the app must not hold its output pipes.
        let status = u
            .command("gtk-launch")
            .arg("Nupub")
            .arg(file)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run gtk-launch");
        assert!(status.success(), "gtk-launch failed");
    };
    launch(&fixture("Newtonsoft.Json.13.0.3.nupkg"));
    let first = x.wait_for_window("Newtonsoft.Json 13.0.3 — Nupub", Duration::from_secs(90));
    wait_for_app_count(&u, 1);
    x.screenshot("desktop-entry-first-package");

    launch(&fixture("Serilog.2.12.0.nupkg"));
    let second = x.wait_for_window("Serilog 2.12.0 — Nupub", Duration::from_secs(60));
    assert_eq!(first, second, "the second package opened in another window");
    assert_eq!(x.windows_named("— Nupub").len(), 1, "one window remains");
    // The second process handed its file over and ended.
    wait_for_app_count(&u, 1);

    // Run directly (`nupub-app FILE…`) with several files: they open as a set
    // (the many-packages view), in the same window.
    let mut direct = u.command(u.usr("bin/nupub-app"));
    direct
        .arg(fixture("TestData.1.2.3.nupkg"))
        .arg(fixture("Serilog.2.12.0.nupkg"));
    let out = run(direct, 60);
    assert!(
        out.status.success(),
        "the second instance did not hand over: {out:?}"
    );
    let third = x.wait_for_window("2 packages — Nupub", Duration::from_secs(60));
    assert_eq!(first, third);
    assert_eq!(x.windows_named("— Nupub").len(), 1);
    x.screenshot("desktop-entry-second-launch");
}

/// The drag source window: shown at (1110, 120) beside Nupub's window (1100 wide at 0,0; no window manager).
struct DragSource {
    child: std::process::Child,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

impl DragSource {
    fn offer(x: &str, paths: &[&Path]) -> DragSource {
        let mut c = Command::new(python_gi());
        c.env("DISPLAY", x);
        c.arg(nupub_testkit::repo_root().join("tests/peers/drag_source.py"))
            .args(["drag", "1110", "120"])
            .args(paths.iter().map(|p| file_uri(p)))
            .stdout(Stdio::piped());
        let mut child = c.spawn().expect("start the drag source");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        assert_eq!(lines.next().and_then(Result::ok).as_deref(), Some("ready"));
        DragSource { child, lines }
    }

    /// Presses on the source, moves onto Nupub's window in steps and releases (real X events through XTEST).
    fn drag_onto_nupub(mut self, x: &str) {
        std::thread::sleep(Duration::from_millis(300));
        let mut xdotool = cmd(
            "xdotool",
            &[
                "mousemove",
                "1190",
                "200",
                "sleep",
                "0.2",
                "mousedown",
                "1",
                "sleep",
                "0.2",
                "mousemove",
                "1170",
                "210",
                "sleep",
                "0.2",
                "mousemove",
                "1100",
                "260",
                "sleep",
                "0.2",
                "mousemove",
                "900",
                "320",
                "sleep",
                "0.2",
                "mousemove",
                "600",
                "400",
                "sleep",
                "0.3",
                "mousemove",
                "590",
                "405",
                "sleep",
                "0.5",
                "mouseup",
                "1",
            ],
        );
        xdotool.env("DISPLAY", x);
        let out = run(xdotool, 30);
        assert!(out.status.success());
        assert_eq!(
            self.lines.next().and_then(Result::ok).as_deref(),
            Some("sent"),
            "Nupub's window did not take the drop"
        );
        let _ = self.child.wait();
    }
}

impl Drop for DragSource {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_real_drag_from_another_program_opens_packages_and_says_what_it_did_not_open() {
    let x = PrivateDisplay::start();
    let w = AppWindow::launch(Launch {
        env: vec![("DISPLAY".into(), x.name.clone())],
        ..Launch::default()
    })
    .await;
    w.find("[data-testid=dropzone]").await;
    let folder = tempfile::tempdir().unwrap();
    let text = folder.path().join("notes.txt");
    std::fs::write(&text, "not a package").unwrap();

    // One package.
    let one = fixture("Newtonsoft.Json.13.0.3.nupkg");
    {
        let d = x.name.clone();
        tokio::task::spawn_blocking(move || DragSource::offer(&d, &[&one]).drag_onto_nupub(&d))
            .await
            .unwrap();
    }
    w.wait_for_text("[data-testid=package-id]", |t| t == "Newtonsoft.Json")
        .await;
    w.screenshot("drop-one-package").await;

    // A package and its symbol package: the package opens, the symbols are shown with it.
    let (pkg, sym) = (
        fixture("TestData.1.2.3.nupkg"),
        fixture("TestData.1.2.3.snupkg"),
    );
    let s = sym.clone();
    {
        let d = x.name.clone();
        tokio::task::spawn_blocking(move || DragSource::offer(&d, &[&s, &pkg]).drag_onto_nupub(&d))
            .await
            .unwrap();
    }
    w.wait_for_text("[data-testid=package-id]", |t| t == "TestData")
        .await;
    let notice = w
        .text_of("[data-testid=open-notice] [data-reason=symbolsOfOpened]")
        .await;
    assert!(
        notice.starts_with("TestData.1.2.3.snupkg: the symbol package"),
        "{notice}"
    );
    w.screenshot("drop-package-and-symbols").await;

    // A folder: says so, and the open package stays.
    let dir = folder.path().to_path_buf();
    {
        let d = x.name.clone();
        tokio::task::spawn_blocking(move || DragSource::offer(&d, &[&dir]).drag_onto_nupub(&d))
            .await
            .unwrap();
    }
    let notice = w
        .text_of("[data-testid=open-notice] [data-reason=folder]")
        .await;
    assert!(notice.contains("a folder"), "{notice}");
    assert_eq!(w.text_of("[data-testid=package-id]").await, "TestData");
    w.screenshot("drop-folder").await;

    // A text file: not a package.
    {
        let d = x.name.clone();
        tokio::task::spawn_blocking(move || DragSource::offer(&d, &[&text]).drag_onto_nupub(&d))
            .await
            .unwrap();
    }
    let notice = w
        .text_of("[data-testid=open-notice] [data-reason=notAPackage]")
        .await;
    assert!(
        notice.starts_with("notes.txt: not a NuGet package"),
        "{notice}"
    );
    assert_eq!(w.text_of("[data-testid=package-id]").await, "TestData");
    w.screenshot("drop-text-file").await;

    // Two packages at once: a set, which the set view takes (issue 16).
    let (a, b) = (
        fixture("Newtonsoft.Json.13.0.3.nupkg"),
        fixture("TestData.1.2.3.nupkg"),
    );
    {
        let d = x.name.clone();
        tokio::task::spawn_blocking(move || DragSource::offer(&d, &[&a, &b]).drag_onto_nupub(&d))
            .await
            .unwrap();
    }
    w.find("[data-testid=set-view]").await;
    let notice = w.text_of("[data-testid=open-set]").await;
    assert!(
        notice.starts_with("Opened 2 packages to publish together"),
        "{notice}"
    );
    w.find("[data-testid=feed-step]").await;
    w.screenshot("drop-two-packages-set").await;
    w.close().await;
}
