//! Public API comparison, ApiCompat's way: the baseline's assembly (left)
//! against the new one (right) for every framework folder of the baseline,
//! the new folder chosen by NuGet's compatible-framework fallback. Each
//! difference is reported with ApiCompat's diagnostic id where one fits
//! (`shared/spec/api-compat.md` §2) and a C#-like signature; additions
//! (strict mode in ApiCompat) are reported too, as additions.

use crate::error::DiffError;
use crate::parts::best_match;
use crate::types::{Change, ChangeKind, Progress, Severity};
use nupub_package::api_surface::{ApiMember, ApiSurface, ApiType, MemberKind, TypeKind};
use nupub_package::files::classify;
use nupub_package::framework::Framework;
use nupub_package::Package;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};

/// A compile or runtime asset: (`lib`/`ref`, framework, lower-case file name).
type AssetKey = (String, String, String);

fn assets(p: &Package) -> BTreeMap<AssetKey, (String, u64, u32)> {
    let mut out = BTreeMap::new();
    for e in p.entries() {
        if e.is_directory || !nupub_package::assembly::is_assembly_path(&e.path) {
            continue;
        }
        let path = e.normalized_path();
        let lower = path.to_ascii_lowercase();
        let folder = if lower.starts_with("lib/") {
            "lib"
        } else if lower.starts_with("ref/") {
            "ref"
        } else {
            continue;
        };
        let Some(tfm) = classify(e).target_framework else {
            continue;
        };
        let tfm = Framework::parse(&tfm.replace("%2B", "+").replace("%2b", "+")).short_name;
        let name = lower.rsplit('/').next().unwrap_or_default().to_string();
        out.insert(
            (folder.to_string(), tfm, name),
            (e.path.clone(), e.size, e.crc32),
        );
    }
    out
}

/// Compares the public API of every baseline assembly with its counterpart.
pub(crate) fn compare_packages(
    old: &Package,
    new: &Package,
    progress: &dyn Fn(Progress),
    cancel: &AtomicBool,
) -> Result<Vec<Change>, DiffError> {
    let (a, b) = (assets(old), assets(new));
    let mut surfaces: HashMap<(bool, String), Option<ApiSurface>> = HashMap::new();
    let mut read = |new_side: bool, path: &str| -> Result<Option<ApiSurface>, DiffError> {
        if let Some(s) = surfaces.get(&(new_side, path.to_string())) {
            return Ok(s.clone());
        }
        let package = if new_side { new } else { old };
        let surface = match package.api_surface(path) {
            Ok(s) => s,
            // An assembly that cannot be read has no surface to compare; its
            // file change is listed, and the health checks say why it is bad.
            Err(e)
                if matches!(
                    nupub_error::Coded::code(&e),
                    "package.not_an_assembly" | "package.assembly_metadata"
                ) =>
            {
                None
            }
            Err(source) => {
                return Err(DiffError::Package {
                    what: format!("{} in {}", path, package.path().display()),
                    source,
                })
            }
        };
        surfaces.insert((new_side, path.to_string()), surface.clone());
        Ok(surface)
    };
    let mut out = Vec::new();
    let total = a.len() as u32;
    for (done, ((folder, tfm, name), (old_path, old_size, old_crc))) in a.iter().enumerate() {
        if cancel.load(Ordering::Relaxed) {
            return Err(DiffError::Cancelled);
        }
        progress(Progress {
            step: format!("public API of {old_path}"),
            done: done as u32,
            total,
        });
        let candidates: Vec<Framework> = {
            let mut seen: Vec<Framework> = Vec::new();
            for (f, t, _) in b.keys() {
                if f == folder && !seen.iter().any(|x| x.short_name == *t) {
                    seen.push(Framework::parse(t));
                }
            }
            seen
        };
        let Some(target) = best_match(&Framework::parse(tfm), &candidates) else {
            continue; // the framework was dropped: PKV006 says so
        };
        let key = (folder.clone(), target.short_name.clone(), name.clone());
        let Some((new_path, new_size, new_crc)) = b.get(&key) else {
            let mut c = Change::new(
                ChangeKind::Assembly,
                Severity::Breaking,
                name.as_str(),
                format!(
                    "Assembly {name} exists in {folder}/{tfm} of the baseline but not in {folder}/{} of this version.",
                    target.short_name
                ),
            )
            .id("CP0004")
            .framework(tfm);
            c.assembly = Some(old_path.clone());
            out.push(c);
            continue;
        };
        if old_size == new_size && old_crc == new_crc {
            continue; // the same file
        }
        let (Some(left), Some(right)) = (read(false, old_path)?, read(true, new_path)?) else {
            continue;
        };
        let mut changes = compare_surfaces(&left, &right);
        for c in &mut changes {
            c.assembly = Some(old_path.clone());
            c.framework = Some(tfm.clone());
        }
        out.extend(changes);
    }
    Ok(out)
}

fn api(
    severity: Severity,
    id: Option<&str>,
    ty: &str,
    message: String,
    sig: Option<&str>,
) -> Change {
    let mut c = Change::new(ChangeKind::Api, severity, ty, message);
    c.id = id.map(str::to_string);
    c.signature = sig.map(str::to_string);
    c
}

/// The changes from `left` (baseline) to `right` (new): identity, types, members.
pub fn compare_surfaces(left: &ApiSurface, right: &ApiSurface) -> Vec<Change> {
    let mut out = Vec::new();
    identity(left, right, &mut out);
    let rights: HashMap<&str, &ApiType> = right
        .types
        .iter()
        .map(|t| (t.metadata_name.as_str(), t))
        .collect();
    let lefts: HashMap<&str, &ApiType> = left
        .types
        .iter()
        .map(|t| (t.metadata_name.as_str(), t))
        .collect();
    for l in &left.types {
        match rights.get(l.metadata_name.as_str()) {
            None => out.push(api(
                Severity::Breaking,
                Some("CP0001"),
                &l.name,
                format!(
                    "Type '{}' exists on the baseline but not on this version",
                    l.name
                ),
                Some(&l.declaration),
            )),
            Some(r) => compare_types(l, r, &mut out),
        }
    }
    for r in &right.types {
        if !lefts.contains_key(r.metadata_name.as_str()) {
            out.push(api(
                Severity::Addition,
                Some("CP0001"),
                &r.name,
                format!("Type '{}' is new", r.name),
                Some(&r.declaration),
            ));
        }
    }
    out
}

fn identity(left: &ApiSurface, right: &ApiSurface, out: &mut Vec<Change>) {
    let assembly = |severity, message: String, old: Option<String>, new: Option<String>| {
        Change::new(
            ChangeKind::Assembly,
            severity,
            left.assembly_name.clone().unwrap_or_default(),
            message,
        )
        .id("CP0003")
        .values(old, new)
    };
    if left.assembly_name != right.assembly_name {
        out.push(assembly(
            Severity::Breaking,
            "the assembly name changed".into(),
            left.assembly_name.clone(),
            right.assembly_name.clone(),
        ));
    }
    if left.public_key_token != right.public_key_token {
        out.push(assembly(
            Severity::Breaking,
            "the public key token changed (the strong-name key is part of the assembly's identity)"
                .into(),
            left.public_key_token.clone(),
            right.public_key_token.clone(),
        ));
    }
    let parts = |v: &Option<String>| -> Vec<u32> {
        v.as_deref()
            .unwrap_or_default()
            .split('.')
            .map(|p| p.parse().unwrap_or(0))
            .collect()
    };
    let (lv, rv) = (
        parts(&left.assembly_version),
        parts(&right.assembly_version),
    );
    if rv < lv {
        out.push(assembly(
            Severity::Breaking,
            format!(
                "this version's assembly version '{}' should be equal to or higher than the baseline's '{}'",
                right.assembly_version.clone().unwrap_or_default(),
                left.assembly_version.clone().unwrap_or_default()
            ),
            left.assembly_version.clone(),
            right.assembly_version.clone(),
        ));
    } else if rv != lv {
        let mut c = assembly(
            Severity::Info,
            "the assembly version changed (binding redirects may be needed on .NET Framework)"
                .into(),
            left.assembly_version.clone(),
            right.assembly_version.clone(),
        );
        c.id = None;
        out.push(c);
    }
}

fn can_derive(t: &ApiType) -> bool {
    t.kind == TypeKind::Class && !t.is_sealed && t.has_visible_constructor
}

fn compare_types(l: &ApiType, r: &ApiType, out: &mut Vec<Change>) {
    let name = &l.name;
    let sig = Some(r.declaration.as_str());
    if r.visibility < l.visibility {
        out.push(api(
            Severity::Breaking,
            Some("CP0019"),
            name,
            format!(
                "Visibility of '{name}' reduced from '{}' to '{}'",
                l.visibility.keyword(),
                r.visibility.keyword()
            ),
            sig,
        ));
    } else if r.visibility > l.visibility {
        out.push(api(
            Severity::Addition,
            Some("CP0020"),
            name,
            format!(
                "Visibility of '{name}' expanded from '{}' to '{}'",
                l.visibility.keyword(),
                r.visibility.keyword()
            ),
            sig,
        ));
    }
    if l.kind != r.kind {
        out.push(api(
            Severity::Breaking,
            None,
            name,
            format!("'{name}' changed from {:?} to {:?}", l.kind, r.kind).to_lowercase(),
            sig,
        ));
    }
    if l.kind == TypeKind::Class && r.kind == TypeKind::Class && !l.is_static {
        if !l.is_sealed && r.is_sealed {
            out.push(api(
                Severity::Breaking,
                Some("CP0009"),
                name,
                format!(
                    "Type '{name}' has the sealed modifier on this version but not on the baseline"
                ),
                sig,
            ));
        } else if !r.is_sealed && l.has_visible_constructor && !r.has_visible_constructor {
            out.push(api(
                Severity::Breaking,
                Some("CP0009"),
                name,
                format!("Type '{name}' is sealed because it has no visible constructor on this version but it does on the baseline"),
                sig,
            ));
        }
        if !l.is_abstract && r.is_abstract && l.has_visible_constructor {
            out.push(api(
                Severity::Breaking,
                None,
                name,
                format!("Type '{name}' became abstract"),
                sig,
            ));
        }
    }
    if l.base_type != r.base_type && l.kind == TypeKind::Class && r.kind == TypeKind::Class {
        if let Some(base) = &l.base_type {
            out.push(api(
                Severity::Breaking,
                Some("CP0007"),
                name,
                format!("Type '{name}' does not inherit from base type '{base}' on this version but it does on the baseline"),
                sig,
            ));
        }
    }
    for i in &l.interfaces {
        if !r.interfaces.contains(i) {
            out.push(api(
                Severity::Breaking,
                Some("CP0008"),
                name,
                format!("Type '{name}' does not implement interface '{i}' on this version but it does on the baseline"),
                sig,
            ));
        }
    }
    for i in &r.interfaces {
        if !l.interfaces.contains(i) {
            out.push(api(
                Severity::Addition,
                None,
                name,
                format!("Type '{name}' now implements '{i}'"),
                sig,
            ));
        }
    }
    if l.kind == TypeKind::Enum
        && r.kind == TypeKind::Enum
        && l.enum_underlying_type != r.enum_underlying_type
    {
        out.push(api(
            Severity::Breaking,
            Some("CP0010"),
            name,
            format!(
                "Underlying type of enum '{name}' changed from '{}' to '{}'.",
                l.enum_underlying_type.clone().unwrap_or_default(),
                r.enum_underlying_type.clone().unwrap_or_default()
            ),
            sig,
        ));
    }
    constraints(
        name,
        name,
        &l.generic_parameters,
        &r.generic_parameters,
        sig,
        out,
    );
    obsolete(
        name,
        name,
        l.obsolete.as_ref(),
        r.obsolete.as_ref(),
        sig,
        out,
    );
    members(l, r, out);
}

fn constraints(
    subject: &str,
    owner: &str,
    l: &[nupub_package::api_surface::GenericParameter],
    r: &[nupub_package::api_surface::GenericParameter],
    sig: Option<&str>,
    out: &mut Vec<Change>,
) {
    for (lp, rp) in l.iter().zip(r) {
        for c in &rp.constraints {
            if !lp.constraints.contains(c) {
                out.push(api(
                    Severity::Breaking,
                    Some("CP0021"),
                    subject,
                    format!(
                        "Cannot add constraint '{c}' on type parameter '{}' of '{owner}'",
                        rp.name
                    ),
                    sig,
                ));
            }
        }
        for c in &lp.constraints {
            if !rp.constraints.contains(c) {
                out.push(api(
                    Severity::Addition,
                    Some("CP0021"),
                    subject,
                    format!(
                        "Constraint '{c}' removed from type parameter '{}' of '{owner}'",
                        lp.name
                    ),
                    sig,
                ));
            }
        }
    }
}

fn obsolete(
    subject: &str,
    owner: &str,
    l: Option<&nupub_package::api_surface::Obsolete>,
    r: Option<&nupub_package::api_surface::Obsolete>,
    sig: Option<&str>,
    out: &mut Vec<Change>,
) {
    match (l, r) {
        (None, Some(o)) => out.push(api(
            if o.error {
                Severity::Breaking
            } else {
                Severity::Addition
            },
            None,
            subject,
            format!(
                "'{owner}' is now [Obsolete{}]{}",
                if o.error { " as an error" } else { "" },
                o.message
                    .as_deref()
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default()
            ),
            sig,
        )),
        (Some(a), Some(b)) if !a.error && b.error => out.push(api(
            Severity::Breaking,
            None,
            subject,
            format!(
                "'{owner}' is now [Obsolete] as an error: code that uses it no longer compiles"
            ),
            sig,
        )),
        (Some(_), None) => out.push(api(
            Severity::Info,
            None,
            subject,
            format!("'{owner}' is no longer [Obsolete]"),
            sig,
        )),
        _ => {}
    }
}

/// Members compared by key (name, arity, parameter and return types);
/// accessors are judged through their property or event.
fn members(l: &ApiType, r: &ApiType, out: &mut Vec<Change>) {
    let index = |t: &ApiType| -> BTreeMap<(u8, String), ApiMember> {
        t.members
            .iter()
            // Accessors are judged through their property or event; an enum's
            // `value__` through its underlying type (CP0010).
            .filter(|m| !(m.is_accessor || (t.kind == TypeKind::Enum && m.name == "value__")))
            .map(|m| ((kind_rank(m.kind), m.key.clone()), m.clone()))
            .collect()
    };
    let (lm, rm) = (index(l), index(r));
    let owner = &l.name;
    for (key, a) in &lm {
        match rm.get(key) {
            None => {
                if a.is_override {
                    continue; // still found on the base type
                }
                out.push(api(
                    Severity::Breaking,
                    Some("CP0002"),
                    owner,
                    format!(
                        "Member '{}' exists on the baseline but not on this version",
                        a.signature
                    ),
                    Some(&a.signature),
                ));
            }
            Some(b) => compare_members(l, a, b, out),
        }
    }
    for (key, b) in &rm {
        if lm.contains_key(key) {
            continue;
        }
        let interface_member = r.kind == TypeKind::Interface && b.is_abstract && !b.is_static;
        let abstract_member = r.kind == TypeKind::Class && b.is_abstract && can_derive(l);
        let (severity, id, message) = if interface_member {
            (
                Severity::Breaking,
                "CP0006",
                format!("Cannot add interface member '{}' to this version because it does not exist on the baseline", b.signature),
            )
        } else if abstract_member {
            (
                Severity::Breaking,
                "CP0005",
                format!("Cannot add abstract member '{}' to this version because it does not exist on the baseline", b.signature),
            )
        } else {
            (
                Severity::Addition,
                "CP0002",
                format!("Member '{}' is new", b.signature),
            )
        };
        out.push(api(severity, Some(id), owner, message, Some(&b.signature)));
    }
}

fn kind_rank(k: MemberKind) -> u8 {
    match k {
        MemberKind::Constructor => 0,
        MemberKind::Field => 1,
        MemberKind::Property => 2,
        MemberKind::Event => 3,
        MemberKind::Method => 4,
    }
}

fn compare_members(t: &ApiType, a: &ApiMember, b: &ApiMember, out: &mut Vec<Change>) {
    let owner = &t.name;
    let sig = Some(b.signature.as_str());
    member_visibility(owner, a, b, out);
    member_modifiers(t, a, b, out);
    if a.kind == MemberKind::Field {
        field_changes(t, a, b, out);
    }
    if matches!(a.kind, MemberKind::Property | MemberKind::Event) {
        accessor_changes(owner, a, b, out);
    }
    parameter_changes(owner, a, b, out);
    constraints(
        owner,
        &b.signature,
        &a.generic_parameters,
        &b.generic_parameters,
        sig,
        out,
    );
    obsolete(
        owner,
        &b.signature,
        a.obsolete.as_ref(),
        b.obsolete.as_ref(),
        sig,
        out,
    );
}

/// CP0019/CP0020: the member's visibility went down or up.
fn member_visibility(owner: &str, a: &ApiMember, b: &ApiMember, out: &mut Vec<Change>) {
    let sig = Some(b.signature.as_str());
    let breaking =
        |id: Option<&str>, message: String| api(Severity::Breaking, id, owner, message, sig);
    if b.visibility < a.visibility {
        out.push(breaking(
            Some("CP0019"),
            format!(
                "Visibility of '{}' reduced from '{}' to '{}'",
                a.signature,
                a.visibility.keyword(),
                b.visibility.keyword()
            ),
        ));
    } else if b.visibility > a.visibility {
        out.push(api(
            Severity::Addition,
            Some("CP0020"),
            owner,
            format!(
                "Visibility of '{}' expanded from '{}' to '{}'",
                b.signature,
                a.visibility.keyword(),
                b.visibility.keyword()
            ),
            sig,
        ));
    }
}

/// CP0012/CP0013/CP0005 (where a type can be derived from) and `static`.
fn member_modifiers(t: &ApiType, a: &ApiMember, b: &ApiMember, out: &mut Vec<Change>) {
    let owner = &t.name;
    let sig = Some(b.signature.as_str());
    let breaking =
        |id: Option<&str>, message: String| api(Severity::Breaking, id, owner, message, sig);
    let derivable = can_derive(t) || t.kind == TypeKind::Interface;
    if t.kind != TypeKind::Interface && derivable {
        if a.is_virtual && !b.is_virtual {
            out.push(breaking(
                Some("CP0012"),
                format!(
                    "Cannot remove virtual keyword from member '{}'.",
                    a.signature
                ),
            ));
        } else if !a.is_virtual && b.is_virtual && !a.is_override {
            out.push(breaking(
                Some("CP0013"),
                format!("Cannot add virtual keyword to member '{}'.", b.signature),
            ));
        }
        if !a.is_abstract && b.is_abstract {
            out.push(breaking(
                Some("CP0005"),
                format!("Cannot add abstract keyword to member '{}'.", b.signature),
            ));
        }
    }
    if a.is_static != b.is_static {
        out.push(breaking(
            None,
            format!(
                "Cannot {} the static keyword on member '{}'.",
                if b.is_static { "add" } else { "remove" },
                b.signature
            ),
        ));
    }
}

/// An enum value (CP0011), a const's value, `readonly`.
fn field_changes(t: &ApiType, a: &ApiMember, b: &ApiMember, out: &mut Vec<Change>) {
    let owner = &t.name;
    let sig = Some(b.signature.as_str());
    let breaking =
        |id: Option<&str>, message: String| api(Severity::Breaking, id, owner, message, sig);
    if t.kind == TypeKind::Enum && a.constant != b.constant {
        out.push(breaking(
            Some("CP0011"),
            format!(
                "Value of field '{}' in enum '{owner}' changed from '{}' to '{}'.",
                a.name,
                a.constant.clone().unwrap_or_default(),
                b.constant.clone().unwrap_or_default()
            ),
        ));
    } else if a.constant != b.constant {
        out.push(api(
            Severity::Significant,
            None,
            owner,
            format!(
                "The value of const '{}' changed from {} to {} (code compiled against the baseline keeps the old value)",
                a.name,
                a.constant.clone().unwrap_or_default(),
                b.constant.clone().unwrap_or_default()
            ),
            sig,
        ));
    }
    if !a.read_only && b.read_only {
        out.push(breaking(
            None,
            format!("Field '{}' became readonly", a.name),
        ));
    }
}

/// A property's get/set or an event's add/remove removed, narrowed or added.
fn accessor_changes(owner: &str, a: &ApiMember, b: &ApiMember, out: &mut Vec<Change>) {
    let sig = Some(b.signature.as_str());
    let breaking =
        |id: Option<&str>, message: String| api(Severity::Breaking, id, owner, message, sig);
    let word = if a.kind == MemberKind::Property {
        ("get", "set")
    } else {
        ("add", "remove")
    };
    for (was, now, w) in [(a.getter, b.getter, word.0), (a.setter, b.setter, word.1)] {
        match (was, now) {
            (Some(_), None) => out.push(breaking(
                Some("CP0002"),
                format!(
                    "The {w} accessor of '{}' exists on the baseline but not on this version",
                    a.signature
                ),
            )),
            (Some(x), Some(y)) if y < x => out.push(breaking(
                Some("CP0019"),
                format!(
                    "Visibility of the {w} accessor of '{}' reduced from '{}' to '{}'",
                    a.signature,
                    x.keyword(),
                    y.keyword()
                ),
            )),
            (None, Some(_)) => out.push(api(
                Severity::Addition,
                Some("CP0002"),
                owner,
                format!("'{}' has a new {w} accessor", b.signature),
                sig,
            )),
            _ => {}
        }
    }
}

/// `out`/`params` modifiers changed (breaking) and parameter names (CP0017).
fn parameter_changes(owner: &str, a: &ApiMember, b: &ApiMember, out: &mut Vec<Change>) {
    let sig = Some(b.signature.as_str());
    let breaking =
        |id: Option<&str>, message: String| api(Severity::Breaking, id, owner, message, sig);
    for (pa, pb) in a.parameters.iter().zip(&b.parameters) {
        if pa.modifier != pb.modifier
            && (pa.modifier == "out"
                || pb.modifier == "out"
                || pa.modifier == "params"
                || pb.modifier == "params")
        {
            out.push(breaking(
                None,
                format!(
                    "Parameter '{}' of '{}' changed from '{}' to '{}'",
                    pa.name, a.signature, pa.modifier, pb.modifier
                ),
            ));
        }
        if pa.name != pb.name {
            out.push(api(
                Severity::Info,
                Some("CP0017"),
                owner,
                format!(
                    "Parameter name on member '{}' changed from '{}' to '{}'.",
                    b.signature, pa.name, pb.name
                ),
                sig,
            ));
        }
    }
}
