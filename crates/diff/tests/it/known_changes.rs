//! Known changes: two versions of a small library compiled with Mono's C#
//! compiler (`mcs`, Debian `mono-mcs`) in the test, packed with NuGet.exe,
//! one case per diagnostic id Nupub reports; each asserts exactly the API
//! change list and the verdict.
#![allow(clippy::unwrap_used)]

use nupub_diff::{diff, Bump, ChangeKind, Severity};
use nupub_fixtures::nuget_exe::NuGetExe;
use nupub_package::Package;
use std::path::{Path, PathBuf};

const ID: &str = "Known.Lib";

fn pack(nuget: &NuGetExe, dir: &Path, version: &str, source: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let dll = nupub_fixtures::mcs::compile_library(dir, "Known.Lib", source);
    nuget.pack_files(dir, ID, version, &[("lib/net45/Known.Lib.dll", &dll)])
}

/// (id, severity, signature) of every API change.
type Expected<'a> = &'a [(Option<&'a str>, Severity, &'a str)];

fn case(nuget: &NuGetExe, name: &str, old: &str, new: &str, expected: Expected<'_>, needed: Bump) {
    let dir = tempfile::tempdir().unwrap();
    let a = pack(nuget, &dir.path().join("old"), "1.0.0", old);
    let b = pack(nuget, &dir.path().join("new"), "1.0.1", new);
    let d = diff(&Package::open(&a).unwrap(), &Package::open(&b).unwrap()).unwrap();
    let mut actual: Vec<(Option<String>, Severity, String)> = d
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Api)
        .map(|c| {
            (
                c.id.clone(),
                c.severity,
                c.signature.clone().unwrap_or_else(|| c.message.clone()),
            )
        })
        .collect();
    actual.sort();
    let mut want: Vec<(Option<String>, Severity, String)> = expected
        .iter()
        .map(|(id, s, sig)| (id.map(str::to_string), *s, sig.to_string()))
        .collect();
    want.sort();
    assert_eq!(actual, want, "{name}: {:#?}", d.changes);
    assert_eq!(d.verdict.needed, needed, "{name}");
    assert_eq!(d.verdict.chosen, Bump::Patch, "{name}");
    assert_eq!(d.verdict.too_small, needed > Bump::Patch, "{name}");
    // Nothing else differs but the assembly file itself.
    assert!(
        d.changes
            .iter()
            .all(|c| matches!(c.kind, ChangeKind::Api | ChangeKind::File)),
        "{name}: {:#?}",
        d.changes
    );
}

#[test]
fn one_case_per_diagnostic_id() {
    use Severity::*;
    let nuget = NuGetExe::new();
    let ns = |body: &str| format!("namespace K {{ {body} }}");
    case(
        &nuget,
        "type removed",
        &ns("public class A {} public class B {}"),
        &ns("public class A {}"),
        &[(Some("CP0001"), Breaking, "public class K.B")],
        Bump::Major,
    );
    case(
        &nuget,
        "type added",
        &ns("public class A {}"),
        &ns("public class A {} public struct S {}"),
        &[(Some("CP0001"), Addition, "public struct K.S")],
        Bump::Minor,
    );
    case(
        &nuget,
        "member removed",
        &ns("public class A { public void M() {} public int N(string s) { return 0; } }"),
        &ns("public class A { public void M() {} }"),
        &[(Some("CP0002"), Breaking, "public int K.A.N(string s)")],
        Bump::Major,
    );
    case(
        &nuget,
        "parameter type changed",
        &ns("public class A { public void M(int x) {} }"),
        &ns("public class A { public void M(long x) {} }"),
        &[
            (Some("CP0002"), Breaking, "public void K.A.M(int x)"),
            (Some("CP0002"), Addition, "public void K.A.M(long x)"),
        ],
        Bump::Major,
    );
    case(
        &nuget,
        "abstract member added",
        &ns("public abstract class A { public abstract void M(); }"),
        &ns("public abstract class A { public abstract void M(); public abstract int N(); }"),
        &[(Some("CP0005"), Breaking, "public abstract int K.A.N()")],
        Bump::Major,
    );
    case(
        &nuget,
        "interface member added",
        &ns("public interface I { void M(); }"),
        &ns("public interface I { void M(); string P { get; } }"),
        &[(
            Some("CP0006"),
            Breaking,
            "public abstract string K.I.P { get; }",
        )],
        Bump::Major,
    );
    case(
        &nuget,
        "sealed added",
        &ns("public class A { }"),
        &ns("public sealed class A { }"),
        &[(Some("CP0009"), Breaking, "public sealed class K.A")],
        Bump::Major,
    );
    case(
        &nuget,
        "enum value changed",
        &ns("public enum E { X = 1, Y = 2 }"),
        &ns("public enum E { X = 1, Y = 3 }"),
        &[(Some("CP0011"), Breaking, "public const K.E K.E.Y = 3")],
        Bump::Major,
    );
    case(
        &nuget,
        "enum underlying type changed",
        &ns("public enum E { X = 1 }"),
        &ns("public enum E : long { X = 1 }"),
        &[(Some("CP0010"), Breaking, "public enum K.E : long")],
        Bump::Major,
    );
    case(
        &nuget,
        "visibility reduced",
        &ns("public class A { public void M() {} }"),
        &ns("public class A { protected void M() {} }"),
        &[(Some("CP0019"), Breaking, "protected void K.A.M()")],
        Bump::Major,
    );
    case(
        &nuget,
        "[Obsolete] added",
        &ns("public class A { public void M() {} }"),
        &ns("public class A { [System.Obsolete(\"use N\")] public void M() {} }"),
        &[(None, Addition, "public void K.A.M()")],
        Bump::Minor,
    );
    case(
        &nuget,
        "virtual removed",
        &ns("public class A { public virtual void M() {} }"),
        &ns("public class A { public void M() {} }"),
        &[(Some("CP0012"), Breaking, "public void K.A.M()")],
        Bump::Major,
    );
    case(
        &nuget,
        "virtual added",
        &ns("public class A { public void M() {} }"),
        &ns("public class A { public virtual void M() {} }"),
        &[(Some("CP0013"), Breaking, "public virtual void K.A.M()")],
        Bump::Major,
    );
    case(
        &nuget,
        "base type removed",
        &ns("public class B {} public class A : B {}"),
        &ns("public class B {} public class A {}"),
        &[(Some("CP0007"), Breaking, "public class K.A")],
        Bump::Major,
    );
    case(
        &nuget,
        "interface removed",
        &ns("public interface I {} public class A : I {}"),
        &ns("public interface I {} public class A {}"),
        &[(Some("CP0008"), Breaking, "public class K.A")],
        Bump::Major,
    );
    case(
        &nuget,
        "generic constraint added",
        &ns("public class G<T> {}"),
        &ns("public class G<T> where T : class {}"),
        &[(
            Some("CP0021"),
            Breaking,
            "public class K.G<T> where T : class",
        )],
        Bump::Major,
    );
    case(
        &nuget,
        "parameter renamed",
        &ns("public class A { public void M(int a) {} }"),
        &ns("public class A { public void M(int b) {} }"),
        &[(Some("CP0017"), Info, "public void K.A.M(int b)")],
        Bump::Patch,
    );
    case(
        &nuget,
        "visibility expanded",
        &ns("public class A { protected void M() {} }"),
        &ns("public class A { public void M() {} }"),
        &[(Some("CP0020"), Addition, "public void K.A.M()")],
        Bump::Minor,
    );
    case(
        &nuget,
        "member added",
        &ns("public class A { }"),
        &ns("public class A { public static T Pick<T>(T[] items, int index = 0) where T : struct { return items[index]; } }"),
        &[(
            Some("CP0002"),
            Addition,
            "public static T K.A.Pick<T>(T[] items, int index = 0) where T : struct",
        )],
        Bump::Minor,
    );
}
