//! The set's own logic on generated packages (no feed): pairing, problems, order, consent, the hourly budget.

#![allow(clippy::unwrap_used)]

use super::execute::*;
use super::*;
use nupub_testkit::packages::{make_nupkg, make_snupkg};
use std::sync::Arc;
use std::time::Instant;

fn run<T>(f: impl std::future::Future<Output = T>) -> T {
    nupub_feeds::runtime().unwrap().block_on(f)
}

fn deps(list: &[(&str, &str)]) -> String {
    let inner: String = list
        .iter()
        .map(|(id, v)| format!("<dependency id=\"{id}\" version=\"{v}\" />"))
        .collect();
    format!("<dependencies>{inner}</dependencies>")
}

fn found(id: &str, version: &str, dependencies: &[(&str, &str)]) -> Found {
    Found {
        path: PathBuf::from(format!("{id}.{version}.nupkg")),
        id: id.into(),
        version: NuGetVersion::parse(version).unwrap(),
        dependencies: dependencies
            .iter()
            .map(|(i, v)| (i.to_string(), Some(v.to_string())))
            .collect(),
    }
}

fn ordered(set: &[Found]) -> (Vec<String>, Vec<String>, Graph) {
    let refs: Vec<&Found> = set.iter().collect();
    let g = graph(&refs);
    let (order, cycle) = order(&refs, &g.edges);
    let names = |v: Vec<usize>| v.into_iter().map(|i| set[i].id.clone()).collect();
    (names(order), names(cycle), g)
}

#[test]
fn dependencies_come_first_and_ties_go_by_id_whatever_the_input_order() {
    // A diamond (Top → Left, Right → Base), plus an independent pair.
    let mut set = vec![
        found("Top", "1.0.0", &[("Left", "1.0.0"), ("Right", "1.0.0")]),
        found("Right", "1.0.0", &[("Base", "[1.0.0]")]),
        found("Base", "1.0.0", &[]),
        found("Left", "1.0.0", &[("base", "1.0.0")]),
        found("Zed", "1.0.0", &[]),
        found(
            "Alpha",
            "1.0.0",
            &[("Zed", "1.0.0"), ("Newtonsoft.Json", "13.0.1")],
        ),
    ];
    let expected = ["Base", "Left", "Right", "Top", "Zed", "Alpha"];
    for rotation in 0..set.len() {
        set.rotate_left(1);
        let (order, cycle, g) = ordered(&set);
        assert_eq!(order, expected, "rotation {rotation}");
        assert!(cycle.is_empty());
        assert!(g.problems.is_empty(), "{:?}", g.problems);
        assert!(g.unresolved.is_empty());
    }
}

#[test]
fn a_cycle_is_found_and_its_members_named() {
    let set = vec![
        found("A", "1.0.0", &[("B", "1.0.0")]),
        found("B", "1.0.0", &[("C", "1.0.0")]),
        found("C", "1.0.0", &[("A", "1.0.0")]),
        found("D", "1.0.0", &[]),
    ];
    let (order, cycle, _) = ordered(&set);
    assert_eq!(order, ["D"]);
    assert_eq!(cycle, ["A", "B", "C"]);
}

#[test]
fn two_versions_a_sibling_out_of_range_and_stable_on_prerelease_are_problems() {
    let set = vec![
        found("Core", "1.0.0", &[]),
        found("Core", "2.0.0", &[]),
        found("Web", "2.0.0", &[("Core", "[3.0.0, )")]),
        found("Beta", "1.0.0-rc.1", &[]),
        found("Stable", "1.0.0", &[("Beta", "1.0.0-rc.1")]),
    ];
    let (_, _, g) = ordered(&set);
    let codes: Vec<&str> = g.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "publish.set.two_versions",
            "publish.set.stable_on_prerelease"
        ]
    );
    assert_eq!(g.problems[0].severity, Severity::Error);
    assert!(
        g.problems[0].message.contains("1.0.0, 2.0.0"),
        "{}",
        g.problems[0].message
    );
    assert_eq!(g.problems[1].severity, Severity::Warning);
    assert!(
        g.problems[1].message.contains("Stable 1.0.0")
            && g.problems[1].message.contains("Beta 1.0.0-rc.1")
    );
    // Web's range fits no sibling: the feed is asked about it.
    assert_eq!(g.unresolved.len(), 1);
    assert_eq!(g.unresolved[0].1, "Core");
}

#[test]
fn symbol_packages_pair_by_identity_not_by_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let a = make_nupkg(dir.path(), "Pair.A", "1.0.0", "", 0);
    make_nupkg(dir.path(), "Pair.B", "2.0.0", "", 0);
    // Pair.A's symbols under another file name; symbols of a package not in the set.
    let sym = make_snupkg(dir.path(), "Pair.A", "1.0.0", &[]);
    let renamed = dir.path().join("symbols-for-a.snupkg");
    std::fs::rename(&sym, &renamed).unwrap();
    make_snupkg(dir.path(), "Pair.C", "1.0.0", &[]);
    std::fs::write(dir.path().join("notes.txt"), "not a package").unwrap();
    let collected = collect(&[dir.path().to_path_buf(), a.clone()]).unwrap();
    let mut ids: Vec<(String, Option<PathBuf>)> = collected
        .packages
        .iter()
        .map(|(f, s)| (f.id.clone(), s.clone()))
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            ("Pair.A".to_string(), Some(renamed)),
            ("Pair.B".to_string(), None)
        ]
    );
    assert_eq!(collected.problems.len(), 1, "{:?}", collected.problems);
    assert_eq!(collected.problems[0].code, "publish.set.unpaired_symbols");
    assert!(collected.problems[0].message.contains("Pair.C 1.0.0"));
    // A named file that is not a package, and an empty folder, are errors.
    let err = collect(&[dir.path().join("notes.txt")]).unwrap_err();
    assert_eq!(err.info().code, "publish.set.input");
    let empty = tempfile::tempdir().unwrap();
    assert!(collect(&[empty.path().to_path_buf()])
        .unwrap()
        .packages
        .is_empty());
}

#[test]
fn an_unreadable_package_and_the_same_version_twice_refuse_the_set() {
    let dir = tempfile::tempdir().unwrap();
    make_nupkg(&dir.path().join("one"), "Twice", "1.0.0", "", 0);
    let again = make_nupkg(&dir.path().join("two"), "Twice", "1.0", "", 0);
    let broken = dir.path().join("Broken.1.0.0.nupkg");
    std::fs::write(&broken, b"PK\x03\x04 not a zip").unwrap();
    let collected = collect(&[dir.path().join("one"), again, broken]).unwrap();
    let codes: Vec<&str> = collected.problems.iter().map(|p| p.code.as_str()).collect();
    assert!(codes.contains(&"publish.set.unreadable"), "{codes:?}");
    assert!(codes.contains(&"publish.set.duplicate"), "{codes:?}");
    assert!(collected
        .problems
        .iter()
        .all(|p| p.severity == Severity::Error));
}

#[test]
fn the_set_is_planned_against_a_folder_feed_in_order_with_its_pair() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bin");
    make_nupkg(
        &input,
        "Fam.Web",
        "1.0.0",
        &deps(&[("Fam.Core", "1.0.0")]),
        0,
    );
    make_nupkg(&input, "Fam.Core", "1.0.0", "", 0);
    make_snupkg(&input, "Fam.Core", "1.0.0", &[]);
    let feed = dir.path().join("feed");
    let request = SetRequest::new(
        vec![input.clone()],
        Some(feed.display().to_string()),
        ConfigScope::beside(&input.join("x")),
    );
    let prepared = run(prepare_set(&request)).unwrap();
    let plan = &prepared.plan;
    let names: Vec<String> = plan.members.iter().map(SetMember::name).collect();
    assert_eq!(names, ["Fam.Core 1.0.0", "Fam.Web 1.0.0"]);
    assert_eq!(plan.members[1].depends_on, ["Fam.Core"]);
    assert!(plan.members[0]
        .symbols_file
        .as_deref()
        .unwrap()
        .ends_with("Fam.Core.1.0.0.snupkg"));
    assert_eq!(plan.to_send, 2);
    assert!(
        plan.confirmation.is_none(),
        "a folder feed needs no typed phrase"
    );
    assert!(plan.blockers.is_empty(), "{:?}", plan.blockers);
    let report = run(execute_set(
        prepared,
        &SetConsent::everything(),
        &SetOptions::default(),
        &(Arc::new(|_| {}) as SetProgressSink),
        &nupub_feeds::CancellationToken::new(),
    ))
    .unwrap();
    assert_eq!((report.published, report.complete), (2, true), "{report:?}");
    // Again: the feed holds both, nothing is sent.
    let again = run(prepare_set(&request)).unwrap();
    assert_eq!((again.plan.to_send, again.plan.already_there), (0, 2));
    let report = run(execute_set(
        again,
        &SetConsent::default(),
        &SetOptions::default(),
        &(Arc::new(|_| {}) as SetProgressSink),
        &nupub_feeds::CancellationToken::new(),
    ))
    .unwrap();
    assert_eq!(
        (report.published, report.already_there, report.complete),
        (0, 2, true)
    );
}

fn plan_with(acks: &[(&str, &str)], confirmation: Option<&str>) -> SetPlan {
    SetPlan {
        feed: planned_feed(&Source::nuget_org()),
        members: vec![],
        problems: vec![],
        blockers: vec![],
        acknowledgements: acks
            .iter()
            .map(|(package, key)| SetAcknowledgement {
                key: member_ack_key(package, key),
                package: Some(package.to_string()),
                code: "w".into(),
                message: format!("{key} message"),
                hint: None,
            })
            .collect(),
        confirmation: confirmation.map(str::to_string),
        to_send: 7,
        already_there: 0,
        total_bytes: 0,
        pushes_per_hour: Some(NUGET_ORG_PUSHES_PER_HOUR),
        notes: vec![],
        status: PlanStatus::NeedsConsent,
    }
}

#[test]
fn one_consent_for_the_set_warnings_one_by_one_or_all_at_once_and_the_phrase() {
    let plan = plan_with(
        &[("A 1.0.0", "w1"), ("B 1.0.0", "w2")],
        Some("publish 7 packages"),
    );
    let typed = Some("Publish 7  packages".to_string());
    let one = SetConsent {
        acknowledged: vec![plan.acknowledgements[0].key.clone()],
        typed: typed.clone(),
        ..SetConsent::default()
    };
    let err = plan.check(&one).unwrap_err();
    assert_eq!(err.info().code, "publish.set.not_acknowledged");
    assert!(err.to_string().contains("B 1.0.0: w2 message"), "{err}");
    let all = SetConsent {
        all_warnings: true,
        typed: Some("publish 6 packages".into()),
        ..SetConsent::default()
    };
    assert_eq!(
        plan.check(&all).unwrap_err().info().code,
        "publish.not_confirmed"
    );
    plan.check(&SetConsent { typed, ..all }).unwrap();
    let mut blocked = plan_with(&[], None);
    blocked.blockers = vec![
        ErrorInfo::new(
            "publish.set.two_versions",
            "Core is in the set in 2 versions",
            None,
        ),
        ErrorInfo::new("publish.set.missing_sibling", "Web depends on Core", None),
    ];
    let err = blocked.check(&SetConsent::everything()).unwrap_err();
    assert_eq!(err.info().code, "publish.set.blocked");
    assert!(err.is_refusal());
    assert!(
        err.to_string()
            .contains("Core is in the set in 2 versions (and 1 more problem)"),
        "{err}"
    );
}

#[test]
fn the_hourly_budget_waits_only_when_the_limit_is_reached() {
    let mut budget = Budget::new(Some(2));
    let t0 = Instant::now();
    assert_eq!(budget.wait(t0), None);
    budget.record(t0);
    budget.record(t0 + Duration::from_secs(10));
    assert_eq!(
        budget.wait(t0 + Duration::from_secs(20)),
        Some(Duration::from_secs(3580))
    );
    // An hour after the first, one more fits.
    assert_eq!(budget.wait(t0 + Duration::from_secs(3600)), None);
    let mut none = Budget::new(None);
    for _ in 0..1000 {
        none.record(t0);
    }
    assert_eq!(none.wait(t0), None);
}
