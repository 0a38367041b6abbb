//! Newtonsoft.Json 9.0.1 → 13.0.3, two real releases: frameworks dropped and
//! added, dependency groups, the licence change (URL → expression), and the
//! public API of lib/net45, spot-checked against the project's history
//! (the *Async helpers and JsonConverter.GetSchema were removed in 10/11,
//! JsonConverter<T> arrived in 11, BSON became [Obsolete] in 10).
#![allow(clippy::unwrap_used)]

use nupub_diff::{diff, Bump, ChangeKind, Severity};
use nupub_package::Package;

fn open(name: &str) -> Package {
    Package::open(&nupub_fixtures::fixture(name)).unwrap()
}

#[test]
fn newtonsoft_9_to_13() {
    let d = diff(
        &open("Newtonsoft.Json.9.0.1.nupkg"),
        &open("Newtonsoft.Json.13.0.3.nupkg"),
    )
    .unwrap();
    let of = |kind: ChangeKind| d.changes.iter().filter(move |c| c.kind == kind);

    // Frameworks: both portable profiles dropped (PKV006), three added.
    let dropped: Vec<&str> = of(ChangeKind::Framework)
        .filter(|c| c.id.as_deref() == Some("PKV006"))
        .map(|c| c.subject.as_str())
        .collect();
    assert_eq!(
        dropped,
        [
            "portable-net40+sl5+win8+wp8+wpa81",
            "portable-net45+win8+wp8+wpa81"
        ]
    );
    let mut added: Vec<&str> = of(ChangeKind::Framework)
        .filter(|c| c.severity == Severity::Addition)
        .map(|c| c.subject.as_str())
        .collect();
    added.sort();
    assert_eq!(added, ["net6.0", "netstandard1.3", "netstandard2.0"]);

    // Dependency groups: netstandard1.0 lost its System.* dependencies; new groups appeared.
    assert!(
        of(ChangeKind::Dependency).any(|c| c.subject == "System.Runtime"
            && c.framework.as_deref() == Some("netstandard1.0")
            && c.new.is_none())
    );
    assert!(of(ChangeKind::Dependency)
        .any(|c| c.framework.as_deref() == Some("net6.0") && c.message.contains("group")));

    // Licence: a URL became an SPDX expression.
    let license: Vec<_> = of(ChangeKind::License).collect();
    assert_eq!(license.len(), 1);
    assert_eq!(license[0].severity, Severity::Significant);
    assert_eq!(
        license[0].old.as_deref(),
        Some("url https://raw.github.com/JamesNK/Newtonsoft.Json/master/LICENSE.md")
    );
    assert_eq!(license[0].new.as_deref(), Some("expression MIT"));

    // Public API of lib/net45: three known differences.
    let net45: Vec<_> = of(ChangeKind::Api)
        .filter(|c| c.assembly.as_deref() == Some("lib/net45/Newtonsoft.Json.dll"))
        .collect();
    let has = |id: &str, severity: Severity, signature: &str| {
        net45.iter().any(|c| {
            c.id.as_deref() == Some(id)
                && c.severity == severity
                && c.signature.as_deref() == Some(signature)
        })
    };
    assert!(has(
        "CP0002",
        Severity::Breaking,
        "public static System.Threading.Tasks.Task<string> Newtonsoft.Json.JsonConvert.SerializeObjectAsync(object value)"
    ));
    assert!(has(
        "CP0002",
        Severity::Breaking,
        "public virtual Newtonsoft.Json.Schema.JsonSchema Newtonsoft.Json.JsonConverter.GetSchema()"
    ));
    assert!(has(
        "CP0001",
        Severity::Addition,
        "public abstract class Newtonsoft.Json.JsonConverter<T> : Newtonsoft.Json.JsonConverter"
    ));
    assert!(net45
        .iter()
        .any(|c| c.subject == "Newtonsoft.Json.Bson.BsonReader"
            && c.severity == Severity::Addition
            && c.message.contains("[Obsolete]")));
    // The assembly identity: version 9.0.0.0 → 13.0.0.0, same key.
    assert!(of(ChangeKind::Assembly).any(|c| c.assembly.as_deref()
        == Some("lib/net45/Newtonsoft.Json.dll")
        && c.old.as_deref() == Some("9.0.0.0")
        && c.new.as_deref() == Some("13.0.0.0")));
    assert!(!of(ChangeKind::Assembly).any(|c| c.message.contains("public key token")));

    // Verdict: breaking changes need a major bump, and 9 → 13 is one.
    assert_eq!(d.verdict.needed, Bump::Major);
    assert_eq!(d.verdict.chosen, Bump::Major);
    assert!(!d.verdict.too_small);
    assert!(nupub_diff::verdict_finding(&d).is_none());
}

#[test]
fn the_same_package_has_no_changes_and_needs_only_a_patch() {
    let p = open("Serilog.2.12.0.nupkg");
    let d = diff(&p, &p).unwrap();
    assert_eq!(d.changes, Vec::new());
    assert_eq!(d.verdict.needed, Bump::Patch);
}

#[test]
fn different_ids_are_refused() {
    let err = diff(&open("Serilog.2.12.0.nupkg"), &open("Npgsql.8.0.3.nupkg")).unwrap_err();
    assert_eq!(nupub_error::Coded::code(&err), "diff.different_ids");
}
