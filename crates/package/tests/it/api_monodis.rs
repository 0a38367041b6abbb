//! The public API surface agrees with Mono's disassembler: for every .NET
//! assembly in the real fixtures, the visible types (public, and nested
//! public / protected / protected internal inside visible types) and their
//! visible members (methods with their parameter counts, fields, properties
//! and events, judged through their accessors) equal what `monodis` lists,
//! filtered by the same visibility rules. `monodis` is Debian's `mono-utils`.
#![allow(clippy::unwrap_used)]

use nupub_package::api_surface::{ApiSurface, MemberKind};
use nupub_package::Package;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// (type metadata name) → sorted list of "kind name/params".
type Listing = BTreeMap<String, Vec<String>>;

fn ours(surface: &ApiSurface) -> Listing {
    let mut out = Listing::new();
    for ty in &surface.types {
        let mut members: Vec<String> = ty
            .members
            .iter()
            .map(|m| match m.kind {
                MemberKind::Method | MemberKind::Constructor => {
                    format!("method {}/{}", m.name, m.parameters.len())
                }
                MemberKind::Field => format!("field {}", m.name),
                MemberKind::Property => format!("property {}", m.name),
                MemberKind::Event => format!("event {}", m.name),
            })
            .collect();
        members.sort();
        out.insert(ty.metadata_name.clone(), members);
    }
    out
}

fn unquote(name: &str) -> String {
    name.trim().trim_matches('\'').to_string()
}

/// Splits at top-level commas (outside <>, (), []).
fn count_params(list: &str) -> usize {
    if list.trim().is_empty() {
        return 0;
    }
    let mut depth = 0i32;
    let mut count = 1;
    for c in list.chars() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth -= 1,
            ',' if depth == 0 => count += 1,
            _ => {}
        }
    }
    count
}

/// The name before the parameter list of a monodis method signature line, and the parameter count.
fn method_name(sig: &str) -> Option<(String, usize)> {
    let bytes: Vec<char> = sig.chars().collect();
    let mut depth = 0i32;
    let mut open = None;
    for (i, c) in bytes.iter().enumerate() {
        match c {
            '<' | '[' => depth += 1,
            '>' | ']' => depth -= 1,
            '(' if depth == 0
                && i > 0
                && bytes.get(i - 1) == Some(&' ')
                // `marshal (…)` on the return type is not the parameter list.
                && !bytes[..i].iter().collect::<String>().ends_with("marshal ") =>
            {
                open = Some(i);
                break;
            }
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
    }
    let open = open?;
    let mut close = open;
    let mut d = 0;
    for (i, c) in bytes.iter().enumerate().skip(open) {
        match c {
            '(' | '<' | '[' => d += 1,
            ')' | '>' | ']' => {
                d -= 1;
                if d == 0 {
                    close = i;
                    break;
                }
            }
            _ => {}
        }
    }
    let params: String = bytes.get(open + 1..close)?.iter().collect();
    // Walk back over " (", a generic parameter list, then the name.
    let mut end = open - 1;
    if bytes.get(end.checked_sub(1)?) == Some(&'>') {
        let mut d = 0;
        let mut i = end - 1;
        loop {
            match bytes.get(i)? {
                '>' => d += 1,
                '<' => {
                    d -= 1;
                    if d == 0 {
                        break;
                    }
                }
                _ => {}
            }
            i = i.checked_sub(1)?;
        }
        end = i;
    }
    let mut start = end;
    if bytes.get(end.checked_sub(1)?) == Some(&'\'') {
        start -= 1;
        while start > 0 && bytes.get(start - 1) != Some(&'\'') {
            start -= 1;
        }
        start = start.saturating_sub(1);
    } else {
        while start > 0 && bytes.get(start - 1) != Some(&' ') {
            start -= 1;
        }
    }
    let name: String = bytes.get(start..end)?.iter().collect();
    Some((unquote(&name), count_params(&params)))
}

fn visible_access(words: &[&str]) -> bool {
    words
        .iter()
        .any(|w| matches!(*w, "public" | "family" | "famorassem"))
}

/// Parses monodis's disassembly into the same listing.
fn theirs(il: &str) -> Listing {
    struct Class {
        name: String,
        visible: bool,
        methods: Vec<(String, usize, bool)>,
        fields: Vec<String>,
        /// (kind, name, accessor method names)
        props: Vec<(&'static str, String, Vec<String>)>,
    }
    let mut out = Listing::new();
    let mut namespace = String::new();
    let mut stack: Vec<Class> = Vec::new();
    let mut pending_method: Option<Vec<String>> = None;
    let mut in_prop: Option<(&'static str, String, Vec<String>)> = None;
    for raw in il.lines() {
        let line = raw.trim();
        if let Some(words) = pending_method.take() {
            if let Some((name, n)) = method_name(line) {
                if let Some(c) = stack.last_mut() {
                    let words: Vec<&str> = words.iter().map(String::as_str).collect();
                    c.methods.push((name, n, visible_access(&words)));
                }
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix(".namespace ") {
            namespace = rest.trim().to_string();
        } else if let Some(rest) = line.strip_prefix(".class ") {
            let generic_at = rest.find('<').unwrap_or(rest.len());
            let head = rest.get(..generic_at).unwrap_or(rest);
            let words: Vec<&str> = head.split_whitespace().collect();
            let name = unquote(words.last().copied().unwrap_or_default());
            let nested = words.first() == Some(&"nested")
                || words.get(1) == Some(&"nested")
                || words.contains(&"nested");
            let (full, visible) = if nested {
                let outer = stack.last();
                (
                    format!("{}/{}", outer.map(|c| c.name.as_str()).unwrap_or(""), name),
                    outer.is_some_and(|c| c.visible) && visible_access(&words),
                )
            } else {
                let full = if namespace.is_empty() || name.contains('.') && namespace.is_empty() {
                    name.clone()
                } else {
                    format!("{namespace}.{name}")
                };
                (full, words.contains(&"public"))
            };
            stack.push(Class {
                name: full,
                visible,
                methods: Vec::new(),
                fields: Vec::new(),
                props: Vec::new(),
            });
        } else if line.starts_with("} // end of class") {
            if let Some(c) = stack.pop() {
                if c.visible {
                    let mut members = Vec::new();
                    for (name, n, vis) in &c.methods {
                        if *vis && name != ".cctor" {
                            members.push(format!("method {name}/{n}"));
                        }
                    }
                    members.extend(c.fields.iter().map(|f| format!("field {f}")));
                    for (kind, name, accessors) in &c.props {
                        let visible = accessors
                            .iter()
                            .any(|a| c.methods.iter().any(|(m, _, vis)| m == a && *vis));
                        if visible {
                            members.push(format!("{kind} {name}"));
                        }
                    }
                    members.sort();
                    out.insert(c.name, members);
                }
            }
        } else if line.starts_with(".method ") {
            pending_method = Some(line.split_whitespace().map(str::to_string).collect());
        } else if let Some(rest) = line.strip_prefix(".field ") {
            let words: Vec<&str> = rest.split_whitespace().collect();
            if visible_access(&words) {
                let mut decl = rest;
                if let Some(at) = decl.find(" = ") {
                    decl = decl.get(..at).unwrap_or(decl);
                }
                if let Some(at) = decl.find(" at D_") {
                    decl = decl.get(..at).unwrap_or(decl);
                }
                let name = if decl.trim_end().ends_with('\'') {
                    let t = decl.trim_end();
                    let body = t.get(..t.len() - 1).unwrap_or(t);
                    body.rsplit_once('\'')
                        .map(|(_, n)| n)
                        .unwrap_or(body)
                        .to_string()
                } else {
                    decl.split_whitespace()
                        .last()
                        .unwrap_or_default()
                        .to_string()
                };
                if let Some(c) = stack.last_mut() {
                    c.fields.push(unquote(&name));
                }
            }
        } else if let Some(rest) = line
            .strip_prefix(".property ")
            .map(|r| ("property", r))
            .or_else(|| line.strip_prefix(".event ").map(|r| ("event", r)))
        {
            let (kind, rest) = rest;
            let name = if kind == "property" {
                method_name(rest).map(|(n, _)| n).unwrap_or_default()
            } else {
                let t = rest.trim_end();
                if t.ends_with('\'') {
                    let body = t.get(..t.len() - 1).unwrap_or(t);
                    body.rsplit_once('\'')
                        .map(|(_, n)| n)
                        .unwrap_or(body)
                        .to_string()
                } else {
                    t.split_whitespace().last().unwrap_or_default().to_string()
                }
            };
            in_prop = Some((kind, name, Vec::new()));
        } else if line.starts_with(".get ")
            || line.starts_with(".set ")
            || line.starts_with(".addon ")
            || line.starts_with(".removeon ")
        {
            if let Some((_, _, accessors)) = in_prop.as_mut() {
                // `… Ns.Type::get_Name (…)`
                if let Some((_, after)) = line.rsplit_once("::") {
                    let name = after.split(" (").next().unwrap_or(after).trim();
                    let name = name.split('<').next().unwrap_or(name);
                    accessors.push(unquote(name));
                }
            }
        } else if line == "}" {
            if let Some(p) = in_prop.take() {
                if let Some(c) = stack.last_mut() {
                    c.props.push(p);
                }
            }
        }
    }
    out
}

/// Types and their visible fields from `monodis --typedef` and `--fields`.
fn theirs_tables(typedef: &str, fields: &str) -> Listing {
    // (name, flags, first field row)
    let mut rows = Vec::new();
    for line in typedef.lines() {
        let Some((head, rest)) = line.rsplit_once(" (flist=") else {
            continue;
        };
        let name = head
            .split_once(": ")
            .map(|(_, n)| n)
            .unwrap_or(head)
            .to_string();
        let flist: u32 = rest.split(',').next().unwrap().parse().unwrap();
        let flags = rest
            .split("flags=0x")
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap();
        rows.push((name, u32::from_str_radix(flags, 16).unwrap(), flist));
    }
    let mut visible: BTreeMap<String, bool> = BTreeMap::new();
    let mut out = Listing::new();
    for (name, flags, _) in &rows {
        let v = match name.rsplit_once('/') {
            None => flags & 7 == 1,
            Some((outer, _)) => {
                matches!(flags & 7, 2 | 4 | 7) && visible.get(outer).copied().unwrap_or(false)
            }
        };
        visible.insert(name.clone(), v);
        if v {
            out.insert(name.clone(), Vec::new());
        }
    }
    for line in fields.lines() {
        let Some((index, rest)) = line.split_once(": ") else {
            continue;
        };
        let Ok(index) = index.trim().parse::<u32>() else {
            continue;
        };
        let Some((decl, flags)) = rest.rsplit_once(": ") else {
            continue;
        };
        let words: Vec<&str> = flags.split_whitespace().collect();
        if !visible_access(&words) {
            continue;
        }
        let owner = rows.iter().rev().find(|(_, _, flist)| *flist <= index);
        if let Some((owner, _, _)) = owner {
            if let Some(list) = out.get_mut(owner) {
                let name = decl.split_whitespace().last().unwrap_or_default();
                list.push(format!("field {}", unquote(name)));
            }
        }
    }
    for list in out.values_mut() {
        list.sort();
    }
    out
}

#[test]
fn public_surface_equals_monodis_for_every_real_assembly() {
    let dir = tempfile::tempdir().unwrap();
    let mut compared = 0;
    let mut tables_only = Vec::new();
    let mut seen_hashes = BTreeSet::new();
    let mut fixtures: Vec<_> = std::fs::read_dir(nupub_fixtures::fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().contains("CORRUPT"))
        .collect();
    fixtures.sort();
    for path in fixtures {
        let Ok(package) = Package::open(&path) else {
            continue;
        };
        for entry in package.entries() {
            if entry.is_directory
                || !nupub_package::assembly::is_assembly_path(&entry.path)
                || entry.size < 64
            {
                continue;
            }
            let Ok(Some(surface)) = package.api_surface(&entry.path) else {
                // Native files have no surface; anything else is a failure.
                let info = package.assembly_info(&entry.path).unwrap();
                assert_eq!(
                    info.kind,
                    nupub_package::AssemblyKind::Native,
                    "{}: {}: {:?}",
                    path.display(),
                    entry.path,
                    package.api_surface(&entry.path)
                );
                continue;
            };
            if !seen_hashes.insert((entry.crc32, entry.size)) {
                continue;
            }
            let bytes = package
                .read_entry(&entry.path, nupub_package::assembly::MAX_ASSEMBLY_BYTES)
                .unwrap();
            let file = dir.path().join("a.dll");
            std::fs::write(&file, &bytes).unwrap();
            let out = Command::new("monodis")
                .arg(&file)
                .output()
                .expect("monodis (Debian mono-utils) must be installed");
            if !out.status.success() {
                // monodis resolves referenced assemblies while it disassembles
                // method bodies and aborts on those it cannot load (System.Runtime
                // 6.0, netstandard 2.0 are not in Mono). Its table listings need no
                // resolution: compare types and fields with those instead (they
                // carry flags; the MethodDef listing does not).
                let tables = |arg: &str| {
                    let out = Command::new("monodis")
                        .arg(arg)
                        .arg(&file)
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "monodis {arg} {}: {out:?}",
                        entry.path
                    );
                    String::from_utf8_lossy(&out.stdout).into_owned()
                };
                let expected = theirs_tables(&tables("--typedef"), &tables("--fields"));
                let actual: Listing = ours(&surface)
                    .into_iter()
                    .map(|(k, v)| {
                        (
                            k,
                            v.into_iter().filter(|m| m.starts_with("field ")).collect(),
                        )
                    })
                    .collect();
                assert_eq!(
                    actual,
                    expected,
                    "{} {} (tables)",
                    path.display(),
                    entry.path
                );
                tables_only.push(entry.path.clone());
                continue;
            }
            let il = String::from_utf8_lossy(&out.stdout);
            let expected = theirs(&il);
            let actual = ours(&surface);
            let only_ours: Vec<_> = actual
                .keys()
                .filter(|k| !expected.contains_key(*k))
                .collect();
            let only_theirs: Vec<_> = expected
                .keys()
                .filter(|k| !actual.contains_key(*k))
                .collect();
            assert!(
                only_ours.is_empty() && only_theirs.is_empty(),
                "{} {}: types only Nupub lists: {only_ours:?}; only monodis: {only_theirs:?}",
                path.display(),
                entry.path
            );
            for (ty, members) in &expected {
                assert_eq!(
                    actual.get(ty),
                    Some(members),
                    "{} {}: members of {ty}",
                    path.display(),
                    entry.path
                );
            }
            compared += 1;
        }
    }
    eprintln!(
        "compared {compared} assemblies in full, {} by types and fields: {tables_only:?}",
        tables_only.len()
    );
    assert!(
        compared >= 40,
        "only {compared} assemblies compared in full"
    );
    assert!(tables_only.len() >= 20, "only {tables_only:?} by tables");
}

#[test]
fn the_parser_of_monodis_output_reads_its_own_sample() {
    // A guard on the oracle itself: a hand-written excerpt in monodis's layout.
    let il = "\
.namespace N
{
  .class public auto ansi beforefieldinit Outer`1<class .ctor T>
  \textends [mscorlib]System.Object
  {
    .field public static literal  string C = \"hi\"
    .field  private  int32 hidden
    .method public hidebysig specialname rtspecialname
           instance default void '.ctor' ()  cil managed
    {
    } // end of method Outer`1::.ctor
    .method public hidebysig
           instance default !T Get<valuetype .ctor (class [mscorlib]System.ValueType) U> (!!U u, int32[0...,0...] a)  cil managed
    {
    } // end of method Outer`1::Get
    .method assembly hidebysig specialname
           instance default int32 get_Hidden ()  cil managed
    {
    } // end of method Outer`1::get_Hidden
\t.property instance int32 Hidden ()
\t{
\t\t.get instance default int32 N.Outer`1::get_Hidden ()
\t}
  .class nested family auto ansi beforefieldinit Inner<class .ctor T>
  \textends [mscorlib]System.Object
  {
  } // end of class Inner
  } // end of class N.Outer`1
}
";
    let listing = theirs(il);
    assert_eq!(
        listing.get("N.Outer`1").unwrap(),
        &vec![
            "field C".to_string(),
            "method .ctor/0".to_string(),
            "method Get/2".to_string()
        ]
    );
    assert_eq!(listing.get("N.Outer`1/Inner"), Some(&Vec::new()));
    assert_eq!(listing.len(), 2);
}
