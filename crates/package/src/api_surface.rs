//! The public API surface of a .NET assembly, read from its ECMA-335
//! metadata: the types a consumer can see (public, and nested public /
//! protected / protected internal inside visible types) and their visible
//! members, with decoded signatures written the way a C# developer reads
//! them (`public static string Ns.T.M(object value, params int[] more)`).
//!
//! Built on the bounded table reader of [`crate::assembly`] (hand-written
//! there; see its header for why no crate fits). Bounds here: every range
//! from the tables is clamped to the table, signatures are decoded with a
//! depth limit and a step budget, and the whole surface has a text budget,
//! so hostile metadata yields a coded error, never a panic, a hang or a
//! large allocation.

use crate::assembly::{
    decode_coded, read_metadata, table as t, Metadata, CUSTOM_ATTRIBUTE_TYPE, HAS_CONSTANT,
    HAS_CUSTOM_ATTRIBUTE, HAS_SEMANTICS, MEMBER_REF_PARENT, RESOLUTION_SCOPE, TYPE_DEF_OR_REF,
    TYPE_OR_METHOD_DEF,
};
use crate::error::PackageError;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use ts_rs::TS;

/// How visible a type or member is to code outside the assembly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "ApiVisibility")]
pub enum Visibility {
    /// `protected` (Family): derived types only.
    Protected,
    /// `protected internal` (FamORAssem).
    ProtectedInternal,
    Public,
}

impl Visibility {
    pub fn keyword(self) -> &'static str {
        match self {
            Visibility::Protected => "protected",
            Visibility::ProtectedInternal => "protected internal",
            Visibility::Public => "public",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "ApiTypeKind")]
pub enum TypeKind {
    Class,
    Struct,
    Interface,
    Enum,
    Delegate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "ApiMemberKind")]
pub enum MemberKind {
    Constructor,
    Method,
    Field,
    Property,
    Event,
}

/// `[Obsolete]` on a type or member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "ApiObsolete")]
pub struct Obsolete {
    pub message: Option<String>,
    /// `[Obsolete(…, true)]`: using it is a compile error.
    pub error: bool,
}

/// A generic type or method parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "ApiGenericParameter")]
pub struct GenericParameter {
    pub name: String,
    /// `in` or `out` (variance of interface and delegate parameters).
    pub variance: Option<String>,
    /// `class`, `struct`, `new()` and type constraints, in C# order.
    pub constraints: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApiParameter {
    pub name: String,
    #[serde(rename = "type")]
    #[ts(rename = "type")]
    pub type_name: String,
    /// `ref`, `out`, `in`, `params`, `this` (extension methods), or empty.
    pub modifier: String,
    /// The default value of an optional parameter, as C# writes it.
    pub default: Option<String>,
}

/// A visible member of a visible type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApiMember {
    pub kind: MemberKind,
    /// The metadata name (`get_Item`, `.ctor`, `op_Implicit`).
    pub name: String,
    /// What identifies the member within its type across versions: name,
    /// generic arity, parameter types (generic parameters by position) and
    /// return type.
    pub key: String,
    pub visibility: Visibility,
    pub is_static: bool,
    pub is_abstract: bool,
    /// `virtual` in C# terms (Virtual and not Final), abstract included.
    pub is_virtual: bool,
    /// Overrides a base member (virtual without NewSlot).
    pub is_override: bool,
    /// A property or event accessor (`get_X`, `add_E`), judged through its property or event.
    pub is_accessor: bool,
    /// Return, field, property or event type.
    #[serde(rename = "type")]
    #[ts(rename = "type")]
    pub type_name: String,
    pub parameters: Vec<ApiParameter>,
    pub generic_parameters: Vec<GenericParameter>,
    /// The value of a `const` field or enum member.
    pub constant: Option<String>,
    /// `readonly` field.
    pub read_only: bool,
    /// Accessor visibility of a property (`get`) or event (`add`).
    pub getter: Option<Visibility>,
    /// Accessor visibility of a property (`set`) or event (`remove`).
    pub setter: Option<Visibility>,
    pub obsolete: Option<Obsolete>,
    /// The C#-like declaration.
    pub signature: String,
}

/// A visible type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApiType {
    /// The C# name (`Ns.Outer<T>.Inner`).
    pub name: String,
    /// The metadata name (`Ns.Outer`1/Inner`), what identifies it across versions.
    pub metadata_name: String,
    pub kind: TypeKind,
    pub visibility: Visibility,
    pub is_abstract: bool,
    pub is_sealed: bool,
    /// `static class` (abstract and sealed).
    pub is_static: bool,
    /// A visible (public or protected) instance constructor exists.
    pub has_visible_constructor: bool,
    pub base_type: Option<String>,
    pub interfaces: Vec<String>,
    pub generic_parameters: Vec<GenericParameter>,
    /// The underlying type of an enum (`int`).
    pub enum_underlying_type: Option<String>,
    pub obsolete: Option<Obsolete>,
    pub members: Vec<ApiMember>,
    /// The C#-like declaration (`public sealed class Ns.T : Ns.IBase`).
    pub declaration: String,
}

/// The public surface of one assembly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApiSurface {
    pub assembly_name: Option<String>,
    pub assembly_version: Option<String>,
    pub public_key_token: Option<String>,
    /// Visible types in metadata order.
    pub types: Vec<ApiType>,
}

/// Deepest signature nesting decoded (real code stays far below).
const MAX_DEPTH: usize = 48;
/// Signature elements decoded per signature before giving up.
const MAX_STEPS: u32 = 20_000;
/// Longest type name written.
const MAX_NAME: usize = 8 * 1024;
/// Text written for the whole surface before giving up (about 10x the largest real one).
const MAX_TEXT: usize = 256 * 1024 * 1024;

/// Reads the public surface of an assembly file on disk (a `.dll`/`.exe`
/// outside any package), bounded like an entry; `Ok(None)` for a native file.
pub fn read_file(path: &std::path::Path) -> Result<Option<ApiSurface>, PackageError> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| PackageError::Unreadable {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let limit = crate::assembly::MAX_ASSEMBLY_BYTES;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    let name = path.display().to_string();
    if bytes.len() as u64 > limit {
        return Err(PackageError::EntryTooLarge {
            entry: name,
            size: bytes.len() as u64,
            limit,
        });
    }
    read(&name, &bytes)
}

/// Reads the public surface of an assembly's bytes; `Ok(None)` for a native file.
pub fn read(entry: &str, bytes: &[u8]) -> Result<Option<ApiSurface>, PackageError> {
    let bad = |detail: String| PackageError::AssemblyMetadata {
        entry: entry.to_string(),
        detail,
    };
    let md = match read_metadata(bytes) {
        Ok(Some(md)) => md,
        Ok(None) => return Ok(None),
        Err((false, detail)) => {
            return Err(PackageError::NotAnAssembly {
                entry: entry.to_string(),
                detail,
            })
        }
        Err((true, detail)) => return Err(bad(detail)),
    };
    Reader::new(&md)
        .map_err(bad)?
        .surface()
        .map(Some)
        .map_err(bad)
}

// ---------------------------------------------------------------------------

const TYPE_VISIBILITY: u32 = 0x7;
const TYPE_INTERFACE: u32 = 0x20;
const TYPE_ABSTRACT: u32 = 0x80;
const TYPE_SEALED: u32 = 0x100;

const MEMBER_ACCESS: u16 = 0x7;
const M_STATIC: u16 = 0x10;
const M_FINAL: u16 = 0x20;
const M_VIRTUAL: u16 = 0x40;
const M_NEW_SLOT: u16 = 0x100;
const M_ABSTRACT: u16 = 0x400;
const F_STATIC: u16 = 0x10;
const F_INIT_ONLY: u16 = 0x20;
const F_LITERAL: u16 = 0x40;
const P_IN: u16 = 0x1;
const P_OUT: u16 = 0x2;

fn member_visibility(flags: u16) -> Option<Visibility> {
    match flags & MEMBER_ACCESS {
        4 => Some(Visibility::Protected),
        5 => Some(Visibility::ProtectedInternal),
        6 => Some(Visibility::Public),
        _ => None,
    }
}

fn type_visibility(flags: u32, nested: bool) -> Option<Visibility> {
    match (flags & TYPE_VISIBILITY, nested) {
        (1, false) => Some(Visibility::Public),
        (2, true) => Some(Visibility::Public),
        (4, true) => Some(Visibility::Protected),
        (7, true) => Some(Visibility::ProtectedInternal),
        _ => None,
    }
}

/// `List`1` → (`List`, 1).
fn split_arity(name: &str) -> (&str, usize) {
    match name.rsplit_once('`') {
        Some((base, n)) => match n.parse::<usize>() {
            Ok(n) => (base, n),
            Err(_) => (name, 0),
        },
        None => (name, 0),
    }
}

/// C# keywords for the built-in types.
fn keyword(full: &str) -> Option<&'static str> {
    Some(match full {
        "System.Void" => "void",
        "System.Boolean" => "bool",
        "System.Char" => "char",
        "System.SByte" => "sbyte",
        "System.Byte" => "byte",
        "System.Int16" => "short",
        "System.UInt16" => "ushort",
        "System.Int32" => "int",
        "System.UInt32" => "uint",
        "System.Int64" => "long",
        "System.UInt64" => "ulong",
        "System.Single" => "float",
        "System.Double" => "double",
        "System.String" => "string",
        "System.Object" => "object",
        "System.Decimal" => "decimal",
        _ => return None,
    })
}

struct TypeRow {
    flags: u32,
    name: String,
    namespace: String,
    extends: u32,
    fields: (u32, u32),
    methods: (u32, u32),
}

struct MethodRow {
    flags: u16,
    name: String,
    signature: u32,
    params: (u32, u32),
}

/// Custom attributes Nupub reads, by the row they sit on.
#[derive(Default, Clone)]
struct Attributes {
    obsolete: Option<Obsolete>,
    param_array: bool,
    extension: bool,
}

/// Names generic parameters take while a signature is written.
struct Generics<'g> {
    of_type: &'g [String],
    of_method: &'g [String],
}

struct Reader<'m, 'a> {
    md: &'m Metadata<'a>,
    types: Vec<TypeRow>,
    /// Enclosing type row of each type row (0 for none), by row - 1.
    enclosing: Vec<u32>,
    methods: Vec<MethodRow>,
    /// Generic parameter rows by owner (TypeOrMethodDef coded value), in number order.
    generic: HashMap<(usize, u32), Vec<u32>>,
    constraints: HashMap<u32, Vec<u32>>,
    attributes: HashMap<(usize, u32), Attributes>,
    constants: HashMap<(usize, u32), (u8, u32)>,
    interfaces: HashMap<u32, Vec<u32>>,
    /// Method row → (semantics, is_property, association row).
    semantics: HashMap<u32, (u16, bool, u32)>,
    /// (is_property, association row) → its accessors (method row, semantics).
    accessors_of: HashMap<(bool, u32), Vec<(u32, u16)>>,
    text: std::cell::Cell<usize>,
    steps: std::cell::Cell<u32>,
}

fn range_rows(start: u32, next: Option<u32>, count: u32, floor: u32) -> (u32, u32) {
    // [start, end): clamped to the table and never before the previous range.
    let start = start.max(floor).clamp(1, count.saturating_add(1));
    let end = next
        .unwrap_or(count.saturating_add(1))
        .clamp(start, count.saturating_add(1));
    (start, end)
}

impl<'m, 'a> Reader<'m, 'a> {
    fn new(md: &'m Metadata<'a>) -> Result<Reader<'m, 'a>, String> {
        let col = |table: usize, row: &[u8], c: usize| {
            md.column(table, row, c)
                .ok_or_else(|| format!("a row of metadata table 0x{table:02x} is cut short"))
        };
        // TypeDef rows with their field and method ranges.
        let type_table = md.table(t::TYPE_DEF);
        let field_count = md.table(t::FIELD).rows;
        let method_count = md.table(t::METHOD_DEF).rows;
        let mut raw = Vec::new();
        for n in 1..=type_table.rows {
            let row = type_table.row(n).ok_or("the TypeDef table is cut short")?;
            raw.push((
                u32::from_le_bytes(
                    row.get(..4)
                        .and_then(|b| b.try_into().ok())
                        .ok_or("the TypeDef table is cut short")?,
                ),
                md.string(col(t::TYPE_DEF, row, 1)?)?,
                md.string(col(t::TYPE_DEF, row, 2)?)?,
                col(t::TYPE_DEF, row, 3)?,
                col(t::TYPE_DEF, row, 4)?,
                col(t::TYPE_DEF, row, 5)?,
            ));
        }
        let mut types = Vec::with_capacity(raw.len());
        let (mut field_floor, mut method_floor) = (1, 1);
        for (i, (flags, name, namespace, extends, fl, ml)) in raw.iter().enumerate() {
            let next = raw.get(i + 1);
            let fields = range_rows(*fl, next.map(|r| r.4), field_count, field_floor);
            let methods = range_rows(*ml, next.map(|r| r.5), method_count, method_floor);
            field_floor = fields.1;
            method_floor = methods.1;
            types.push(TypeRow {
                flags: *flags,
                name: name.clone(),
                namespace: namespace.clone(),
                extends: *extends,
                fields,
                methods,
            });
        }
        // MethodDef rows with their parameter ranges.
        let method_table = md.table(t::METHOD_DEF);
        let param_count = md.table(t::PARAM).rows;
        let mut raw_methods = Vec::new();
        for n in 1..=method_count {
            let row = method_table
                .row(n)
                .ok_or("the MethodDef table is cut short")?;
            raw_methods.push((
                col(t::METHOD_DEF, row, 2)? as u16,
                col(t::METHOD_DEF, row, 3)?,
                col(t::METHOD_DEF, row, 4)?,
                col(t::METHOD_DEF, row, 5)?,
            ));
        }
        let mut methods = Vec::with_capacity(raw_methods.len());
        let mut param_floor = 1;
        for (i, (flags, name, signature, pl)) in raw_methods.iter().enumerate() {
            let next = raw_methods.get(i + 1).map(|r| r.3);
            let params = range_rows(*pl, next, param_count, param_floor);
            param_floor = params.1;
            methods.push(MethodRow {
                flags: *flags,
                name: md.string(*name)?,
                signature: *signature,
                params,
            });
        }
        let mut enclosing = vec![0u32; types.len()];
        let nested = md.table(t::NESTED_CLASS);
        for n in 1..=nested.rows {
            let Some(row) = nested.row(n) else { break };
            let inner = col(t::NESTED_CLASS, row, 0)?;
            let outer = col(t::NESTED_CLASS, row, 1)?;
            if let Some(slot) = inner
                .checked_sub(1)
                .and_then(|i| enclosing.get_mut(i as usize))
            {
                *slot = outer;
            }
        }
        let mut generic: HashMap<(usize, u32), Vec<u32>> = HashMap::new();
        let gp = md.table(t::GENERIC_PARAM);
        let mut numbered = Vec::new();
        for n in 1..=gp.rows {
            let Some(row) = gp.row(n) else { break };
            let number = col(t::GENERIC_PARAM, row, 0)?;
            let owner = decode_coded(col(t::GENERIC_PARAM, row, 2)?, TYPE_OR_METHOD_DEF)
                .ok_or("a generic parameter has a bad owner")?;
            numbered.push((owner, number, n));
        }
        numbered.sort_unstable();
        for (owner, _, n) in numbered {
            generic.entry(owner).or_default().push(n);
        }
        let mut constraints: HashMap<u32, Vec<u32>> = HashMap::new();
        let gpc = md.table(t::GENERIC_PARAM_CONSTRAINT);
        for n in 1..=gpc.rows {
            let Some(row) = gpc.row(n) else { break };
            constraints
                .entry(col(t::GENERIC_PARAM_CONSTRAINT, row, 0)?)
                .or_default()
                .push(col(t::GENERIC_PARAM_CONSTRAINT, row, 1)?);
        }
        let mut constants = HashMap::new();
        let ct = md.table(t::CONSTANT);
        for n in 1..=ct.rows {
            let Some(row) = ct.row(n) else { break };
            let kind = *row.first().ok_or("the Constant table is cut short")?;
            if let Some(parent) = decode_coded(col(t::CONSTANT, row, 1)?, HAS_CONSTANT) {
                constants.insert(parent, (kind, col(t::CONSTANT, row, 2)?));
            }
        }
        let mut interfaces: HashMap<u32, Vec<u32>> = HashMap::new();
        let ii = md.table(t::INTERFACE_IMPL);
        for n in 1..=ii.rows {
            let Some(row) = ii.row(n) else { break };
            interfaces
                .entry(col(t::INTERFACE_IMPL, row, 0)?)
                .or_default()
                .push(col(t::INTERFACE_IMPL, row, 1)?);
        }
        let mut semantics = HashMap::new();
        let ms = md.table(t::METHOD_SEMANTICS);
        for n in 1..=ms.rows {
            let Some(row) = ms.row(n) else { break };
            let kind = col(t::METHOD_SEMANTICS, row, 0)? as u16;
            let method = col(t::METHOD_SEMANTICS, row, 1)?;
            if let Some((table, assoc)) =
                decode_coded(col(t::METHOD_SEMANTICS, row, 2)?, HAS_SEMANTICS)
            {
                semantics.insert(method, (kind, table == t::PROPERTY, assoc));
            }
        }
        let mut accessors_of: HashMap<(bool, u32), Vec<(u32, u16)>> = HashMap::new();
        for (method, (kind, prop, assoc)) in &semantics {
            accessors_of
                .entry((*prop, *assoc))
                .or_default()
                .push((*method, *kind));
        }
        let mut reader = Reader {
            md,
            types,
            enclosing,
            methods,
            generic,
            constraints,
            attributes: HashMap::new(),
            constants,
            interfaces,
            semantics,
            accessors_of,
            text: std::cell::Cell::new(0),
            steps: std::cell::Cell::new(0),
        };
        reader.attributes = reader.read_attributes()?;
        Ok(reader)
    }

    fn col(&self, table: usize, row: &[u8], c: usize) -> Result<u32, String> {
        self.md
            .column(table, row, c)
            .ok_or_else(|| format!("a row of metadata table 0x{table:02x} is cut short"))
    }

    /// The type row that declares method row `m`.
    fn method_owner(&self, m: u32) -> Option<u32> {
        let i = self.types.partition_point(|ty| ty.methods.1 <= m);
        let ty = self.types.get(i)?;
        (ty.methods.0 <= m && m < ty.methods.1).then_some(i as u32 + 1)
    }

    /// (namespace, name) of a TypeDefOrRef coded value (TypeDef or TypeRef only).
    fn plain_name(&self, table: usize, row: u32) -> Option<(String, String)> {
        match table {
            t::TYPE_DEF => {
                let ty = self.types.get(row.checked_sub(1)? as usize)?;
                Some((ty.namespace.clone(), ty.name.clone()))
            }
            t::TYPE_REF => {
                let r = self.md.table(t::TYPE_REF).row(row)?;
                Some((
                    self.md.string(self.md.column(t::TYPE_REF, r, 2)?).ok()?,
                    self.md.string(self.md.column(t::TYPE_REF, r, 1)?).ok()?,
                ))
            }
            _ => None,
        }
    }

    fn read_attributes(&self) -> Result<HashMap<(usize, u32), Attributes>, String> {
        let mut out: HashMap<(usize, u32), Attributes> = HashMap::new();
        let ca = self.md.table(t::CUSTOM_ATTRIBUTE);
        let refs = self.md.table(t::MEMBER_REF);
        for n in 1..=ca.rows {
            let Some(row) = ca.row(n) else { break };
            let Some(parent) =
                decode_coded(self.col(t::CUSTOM_ATTRIBUTE, row, 0)?, HAS_CUSTOM_ATTRIBUTE)
            else {
                continue;
            };
            if !matches!(
                parent.0,
                t::TYPE_DEF | t::METHOD_DEF | t::FIELD | t::PROPERTY | t::EVENT | t::PARAM
            ) {
                continue;
            }
            let Some(ctor) = decode_coded(
                self.col(t::CUSTOM_ATTRIBUTE, row, 1)?,
                CUSTOM_ATTRIBUTE_TYPE,
            ) else {
                continue;
            };
            let (class, ctor_sig) = match ctor.0 {
                t::MEMBER_REF => {
                    let Some(mr) = refs.row(ctor.1) else { continue };
                    let Some(class) =
                        decode_coded(self.col(t::MEMBER_REF, mr, 0)?, MEMBER_REF_PARENT)
                    else {
                        continue;
                    };
                    (class, self.col(t::MEMBER_REF, mr, 2)?)
                }
                t::METHOD_DEF => {
                    let Some(owner) = self.method_owner(ctor.1) else {
                        continue;
                    };
                    let Some(m) = ctor
                        .1
                        .checked_sub(1)
                        .and_then(|i| self.methods.get(i as usize))
                    else {
                        continue;
                    };
                    ((t::TYPE_DEF, owner), m.signature)
                }
                _ => continue,
            };
            let Some((namespace, name)) = self.plain_name(class.0, class.1) else {
                continue;
            };
            let entry = |out: &mut HashMap<(usize, u32), Attributes>| {
                out.entry(parent).or_default().clone()
            };
            match (namespace.as_str(), name.as_str()) {
                ("System", "ObsoleteAttribute") => {
                    let args = self
                        .md
                        .blob(ctor_sig)
                        .ok()
                        .and_then(|s| SigReader::new(s).ctor_arg_count())
                        .unwrap_or(0);
                    let value = self.md.blob(self.col(t::CUSTOM_ATTRIBUTE, row, 2)?)?;
                    let mut a = entry(&mut out);
                    a.obsolete = Some(obsolete_args(value, args));
                    out.insert(parent, a);
                }
                ("System", "ParamArrayAttribute") => {
                    let mut a = entry(&mut out);
                    a.param_array = true;
                    out.insert(parent, a);
                }
                ("System.Runtime.CompilerServices", "ExtensionAttribute") => {
                    let mut a = entry(&mut out);
                    a.extension = true;
                    out.insert(parent, a);
                }
                _ => {}
            }
        }
        Ok(out)
    }

    fn spend(&self, chars: usize) -> Result<(), String> {
        let total = self.text.get().saturating_add(chars);
        self.text.set(total);
        if total > MAX_TEXT {
            return Err("its public API is larger than Nupub reads (hostile metadata?)".into());
        }
        Ok(())
    }

    fn step(&self) -> Result<(), String> {
        let n = self.steps.get() + 1;
        self.steps.set(n);
        if n > MAX_STEPS {
            return Err("a signature is too complex to read (hostile metadata?)".into());
        }
        Ok(())
    }

    fn type_row(&self, row: u32) -> Option<&TypeRow> {
        self.types.get(row.checked_sub(1)? as usize)
    }

    /// The chain of (namespace, name) from the outermost type to `row`.
    fn def_chain(&self, row: u32) -> Result<Vec<(String, String)>, String> {
        let mut chain = Vec::new();
        let mut at = row;
        while at != 0 {
            if chain.len() > MAX_DEPTH {
                return Err("types are nested in a loop".into());
            }
            let ty = self.type_row(at).ok_or("a type index is out of range")?;
            chain.push((ty.namespace.clone(), ty.name.clone()));
            at = self.enclosing.get(at as usize - 1).copied().unwrap_or(0);
        }
        chain.reverse();
        Ok(chain)
    }

    fn ref_chain(&self, row: u32) -> Result<Vec<(String, String)>, String> {
        let mut chain = Vec::new();
        let mut at = row;
        let refs = self.md.table(t::TYPE_REF);
        loop {
            if chain.len() > MAX_DEPTH {
                return Err("type references are nested in a loop".into());
            }
            let r = refs.row(at).ok_or("a type reference is out of range")?;
            chain.push((
                self.md.string(self.col(t::TYPE_REF, r, 2)?)?,
                self.md.string(self.col(t::TYPE_REF, r, 1)?)?,
            ));
            match decode_coded(self.col(t::TYPE_REF, r, 0)?, RESOLUTION_SCOPE) {
                Some((t::TYPE_REF, outer)) if outer != 0 => at = outer,
                _ => break,
            }
        }
        chain.reverse();
        Ok(chain)
    }

    /// Writes a nested name chain, handing each level its own generic arguments.
    fn write_chain(
        &self,
        chain: &[(String, String)],
        args: &[String],
        metadata: bool,
    ) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = args;
        for (i, (namespace, name)) in chain.iter().enumerate() {
            if i == 0 {
                if !namespace.is_empty() {
                    out.push_str(namespace);
                    out.push('.');
                }
            } else {
                out.push(if metadata { '/' } else { '.' });
            }
            if metadata {
                out.push_str(name);
                continue;
            }
            let (base, arity) = split_arity(name);
            out.push_str(base);
            let take = if i + 1 == chain.len() {
                rest.len()
            } else {
                arity.min(rest.len())
            };
            if take > 0 {
                let (mine, later) = rest.split_at(take);
                out.push('<');
                out.push_str(&mine.join(", "));
                out.push('>');
                rest = later;
            }
        }
        if out.len() > MAX_NAME {
            return Err("a type name is too long".into());
        }
        if !metadata && args.is_empty() {
            if let Some(k) = keyword(&out) {
                return Ok(k.to_string());
            }
        }
        Ok(out)
    }

    /// A TypeDefOrRefOrSpec coded value written as C#.
    fn coded_type(&self, coded: u32, g: &Generics<'_>, depth: usize) -> Result<String, String> {
        let (table, row) = decode_coded(coded, TYPE_DEF_OR_REF).ok_or("a bad type reference")?;
        self.named(table, row, &[], g, depth)
    }

    fn named(
        &self,
        table: usize,
        row: u32,
        args: &[String],
        g: &Generics<'_>,
        depth: usize,
    ) -> Result<String, String> {
        if depth > MAX_DEPTH {
            return Err("a signature is nested too deeply".into());
        }
        match table {
            t::TYPE_DEF => self.write_chain(&self.def_chain(row)?, args, false),
            t::TYPE_REF => self.write_chain(&self.ref_chain(row)?, args, false),
            t::TYPE_SPEC => {
                let r = self
                    .md
                    .table(t::TYPE_SPEC)
                    .row(row)
                    .ok_or("a type specification is out of range")?;
                let blob = self.md.blob(self.col(t::TYPE_SPEC, r, 0)?)?;
                let mut sig = SigReader::new(blob);
                self.sig_type(&mut sig, g, depth + 1)
            }
            _ => Err("a bad type reference".into()),
        }
    }

    /// One type from a signature blob.
    fn sig_type(
        &self,
        sig: &mut SigReader<'_>,
        g: &Generics<'_>,
        depth: usize,
    ) -> Result<String, String> {
        self.step()?;
        if depth > MAX_DEPTH {
            return Err("a signature is nested too deeply".into());
        }
        let element = sig.byte()?;
        let text = match element {
            0x01 => "void".into(),
            0x02 => "bool".into(),
            0x03 => "char".into(),
            0x04 => "sbyte".into(),
            0x05 => "byte".into(),
            0x06 => "short".into(),
            0x07 => "ushort".into(),
            0x08 => "int".into(),
            0x09 => "uint".into(),
            0x0A => "long".into(),
            0x0B => "ulong".into(),
            0x0C => "float".into(),
            0x0D => "double".into(),
            0x0E => "string".into(),
            0x0F => format!("{}*", self.sig_type(sig, g, depth + 1)?),
            0x10 => format!("ref {}", self.sig_type(sig, g, depth + 1)?),
            0x11 | 0x12 => {
                let coded = sig.compressed()?;
                self.coded_type(coded, g, depth + 1)?
            }
            0x13 | 0x1E => {
                let n = sig.compressed()? as usize;
                let names = if element == 0x13 {
                    g.of_type
                } else {
                    g.of_method
                };
                match names.get(n) {
                    Some(name) => name.clone(),
                    None if element == 0x13 => format!("`{n}"),
                    None => format!("``{n}"),
                }
            }
            0x14 => {
                let inner = self.sig_type(sig, g, depth + 1)?;
                let rank = sig.compressed()?;
                for _ in 0..sig.compressed()? {
                    sig.compressed()?;
                }
                for _ in 0..sig.compressed()? {
                    sig.compressed()?;
                }
                if rank > 32 {
                    return Err("an array claims more than 32 dimensions".into());
                }
                format!("{inner}[{}]", ",".repeat(rank.saturating_sub(1) as usize))
            }
            0x15 => {
                let kind = sig.byte()?;
                if kind != 0x11 && kind != 0x12 {
                    return Err("a generic instance is neither class nor value type".into());
                }
                let coded = sig.compressed()?;
                let (table, row) =
                    decode_coded(coded, TYPE_DEF_OR_REF).ok_or("a bad type reference")?;
                let count = sig.compressed()?;
                let mut args = Vec::new();
                for _ in 0..count {
                    args.push(self.sig_type(sig, g, depth + 1)?);
                }
                let open = self.named(table, row, &[], g, depth + 1)?;
                if open == "System.Nullable" && args.len() == 1 {
                    format!("{}?", args.join(""))
                } else {
                    self.named(table, row, &args, g, depth + 1)?
                }
            }
            0x16 => "System.TypedReference".into(),
            0x18 => "System.IntPtr".into(),
            0x19 => "System.UIntPtr".into(),
            0x1B => {
                let (ret, params) = self.method_sig_types(sig, g, depth + 1)?;
                let mut all = params;
                all.push(ret);
                format!("delegate*<{}>", all.join(", "))
            }
            0x1C => "object".into(),
            0x1D => format!("{}[]", self.sig_type(sig, g, depth + 1)?),
            0x1F | 0x20 => {
                // A custom modifier before the type: kept when required (it is part of the identity).
                let coded = sig.compressed()?;
                let modifier = self.coded_type(coded, g, depth + 1)?;
                let inner = self.sig_type(sig, g, depth + 1)?;
                if element == 0x1F && !modifier.ends_with("InAttribute") {
                    format!("{inner} modreq({modifier})")
                } else {
                    inner
                }
            }
            0x41 => self.sig_type(sig, g, depth + 1)?, // vararg sentinel
            0x45 => self.sig_type(sig, g, depth + 1)?, // pinned
            other => {
                return Err(format!(
                    "a signature holds the unknown element 0x{other:02x}"
                ))
            }
        };
        if text.len() > MAX_NAME {
            return Err("a type name is too long".into());
        }
        Ok(text)
    }

    /// Custom modifiers before a parameter or return type: is `modreq(InAttribute)` among them?
    fn skip_mods(&self, sig: &mut SigReader<'_>) -> Result<bool, String> {
        let mut in_attr = false;
        while matches!(sig.peek(), Some(0x1F | 0x20)) {
            let element = sig.byte()?;
            let coded = sig.compressed()?;
            if element == 0x1F {
                if let Some((table, row)) = decode_coded(coded, TYPE_DEF_OR_REF) {
                    if self
                        .plain_name(table, row)
                        .is_some_and(|(_, n)| n == "InAttribute")
                    {
                        in_attr = true;
                    }
                }
            }
            self.step()?;
        }
        Ok(in_attr)
    }

    /// A parameter or return type: (type without `ref`, by reference, `in`/`ref readonly`).
    fn param_type(
        &self,
        sig: &mut SigReader<'_>,
        g: &Generics<'_>,
        depth: usize,
    ) -> Result<(String, bool, bool), String> {
        let read_only = self.skip_mods(sig)?;
        if sig.peek() == Some(0x10) {
            sig.byte()?;
            let ro = self.skip_mods(sig)? || read_only;
            return Ok((self.sig_type(sig, g, depth)?, true, ro));
        }
        Ok((self.sig_type(sig, g, depth)?, false, false))
    }

    /// Return type and parameter types of a method signature (for function pointers).
    fn method_sig_types(
        &self,
        sig: &mut SigReader<'_>,
        g: &Generics<'_>,
        depth: usize,
    ) -> Result<(String, Vec<String>), String> {
        let conv = sig.byte()?;
        if conv & 0x10 != 0 {
            sig.compressed()?;
        }
        let count = sig.compressed()?;
        let (ret, by_ref, _) = self.param_type(sig, g, depth)?;
        let ret = if by_ref { format!("ref {ret}") } else { ret };
        let mut params = Vec::new();
        for _ in 0..count {
            let (p, by_ref, _) = self.param_type(sig, g, depth)?;
            params.push(if by_ref { format!("ref {p}") } else { p });
        }
        Ok((ret, params))
    }

    fn generic_names(&self, owner: (usize, u32)) -> Result<Vec<String>, String> {
        let gp = self.md.table(t::GENERIC_PARAM);
        self.generic
            .get(&owner)
            .map(|rows| {
                rows.iter()
                    .map(|n| {
                        let row = gp.row(*n).ok_or("the GenericParam table is cut short")?;
                        self.md.string(self.col(t::GENERIC_PARAM, row, 3)?)
                    })
                    .collect()
            })
            .unwrap_or_else(|| Ok(Vec::new()))
    }

    fn positional(count: usize, method: bool) -> Vec<String> {
        (0..count)
            .map(|i| {
                if method {
                    format!("``{i}")
                } else {
                    format!("`{i}")
                }
            })
            .collect()
    }

    fn generic_parameters(
        &self,
        owner: (usize, u32),
        g: &Generics<'_>,
        skip: usize,
    ) -> Result<Vec<GenericParameter>, String> {
        let gp = self.md.table(t::GENERIC_PARAM);
        let mut out = Vec::new();
        for n in self.generic.get(&owner).into_iter().flatten().skip(skip) {
            let row = gp.row(*n).ok_or("the GenericParam table is cut short")?;
            let flags = self.col(t::GENERIC_PARAM, row, 1)?;
            let name = self.md.string(self.col(t::GENERIC_PARAM, row, 3)?)?;
            let variance = match flags & 0x3 {
                1 => Some("out".to_string()),
                2 => Some("in".to_string()),
                _ => None,
            };
            let mut constraints = Vec::new();
            let value_type = flags & 0x8 != 0;
            if flags & 0x4 != 0 {
                constraints.push("class".to_string());
            }
            if value_type {
                constraints.push("struct".to_string());
            }
            let mut types = Vec::new();
            for c in self.constraints.get(n).into_iter().flatten() {
                self.steps.set(0);
                let ty = self.coded_type(*c, g, 0)?;
                // `struct` is written with a System.ValueType constraint as well.
                if !(value_type && ty == "System.ValueType") {
                    types.push(ty);
                }
            }
            types.sort();
            constraints.extend(types);
            if flags & 0x10 != 0 && !value_type {
                constraints.push("new()".to_string());
            }
            if flags & 0x20 != 0 {
                constraints.push("allows ref struct".to_string());
            }
            out.push(GenericParameter {
                name,
                variance,
                constraints,
            });
        }
        Ok(out)
    }

    fn constant(&self, parent: (usize, u32)) -> Result<Option<String>, String> {
        let Some((kind, blob)) = self.constants.get(&parent) else {
            return Ok(None);
        };
        let value = self.md.blob(*blob)?;
        Ok(Some(constant_text(*kind, value)))
    }

    fn surface(&self) -> Result<ApiSurface, String> {
        let identity = self.md.assembly()?;
        let mut visible: Vec<Option<Visibility>> = vec![None; self.types.len()];
        let mut out = Vec::new();
        // Enclosing types come first in the TypeDef table in practice; a
        // nested type listed before its enclosing type is resolved on demand.
        for i in 0..self.types.len() {
            let Some(vis) = self.visibility_of(i, &mut visible, 0) else {
                continue;
            };
            let row = i as u32 + 1;
            out.push(self.api_type(row, vis)?);
        }
        out.sort_by(|a, b| a.metadata_name.cmp(&b.metadata_name));
        Ok(ApiSurface {
            assembly_name: identity.as_ref().map(|i| i.name.clone()),
            assembly_version: identity.as_ref().map(|i| i.version.clone()),
            public_key_token: identity.and_then(|i| i.public_key_token),
            types: out,
        })
    }

    fn visibility_of(
        &self,
        i: usize,
        memo: &mut [Option<Visibility>],
        depth: usize,
    ) -> Option<Visibility> {
        if let Some(v) = memo.get(i).copied().flatten() {
            return Some(v);
        }
        if depth > MAX_DEPTH {
            return None;
        }
        let ty = self.types.get(i)?;
        let outer = self.enclosing.get(i).copied().unwrap_or(0);
        let own = type_visibility(ty.flags, outer != 0)?;
        if outer != 0 {
            self.visibility_of(outer as usize - 1, memo, depth + 1)?;
        }
        if let Some(slot) = memo.get_mut(i) {
            *slot = Some(own);
        }
        Some(own)
    }

    fn api_type(&self, row: u32, visibility: Visibility) -> Result<ApiType, String> {
        let ty = self.type_row(row).ok_or("a type index is out of range")?;
        let names = self.generic_names((t::TYPE_DEF, row))?;
        let g = Generics {
            of_type: &names,
            of_method: &[],
        };
        let chain = self.def_chain(row)?;
        let name = self.write_chain(&chain, &names, false)?;
        let metadata_name = self.write_chain(&chain, &[], true)?;
        self.steps.set(0);
        let base_type = match decode_coded(ty.extends, TYPE_DEF_OR_REF) {
            Some((_, 0)) | None => None,
            Some(_) => Some(self.coded_type(ty.extends, &g, 0)?),
        };
        let kind = if ty.flags & TYPE_INTERFACE != 0 {
            TypeKind::Interface
        } else {
            match base_type.as_deref() {
                Some("System.Enum") => TypeKind::Enum,
                Some("System.ValueType") if metadata_name != "System.Enum" => TypeKind::Struct,
                Some("System.MulticastDelegate") if metadata_name != "System.Delegate" => {
                    TypeKind::Delegate
                }
                _ => TypeKind::Class,
            }
        };
        let mut interfaces = Vec::new();
        for i in self.interfaces.get(&row).into_iter().flatten() {
            self.steps.set(0);
            interfaces.push(self.coded_type(*i, &g, 0)?);
        }
        interfaces.sort();
        // Generic parameters a nested type repeats from its enclosing types are not its own.
        let outer = self.enclosing.get(row as usize - 1).copied().unwrap_or(0);
        let inherited = if outer != 0 {
            self.generic.get(&(t::TYPE_DEF, outer)).map_or(0, Vec::len)
        } else {
            0
        };
        let generic_parameters = self.generic_parameters((t::TYPE_DEF, row), &g, inherited)?;
        let attrs = self.attributes.get(&(t::TYPE_DEF, row));
        let is_abstract = ty.flags & TYPE_ABSTRACT != 0;
        let is_sealed = ty.flags & TYPE_SEALED != 0;
        let mut members = Vec::new();
        let mut enum_underlying_type = None;
        for f in ty.fields.0..ty.fields.1 {
            if kind == TypeKind::Enum {
                // The one instance field (`value__`) has the underlying type.
                enum_underlying_type = self.enum_underlying(f, &g)?.or(enum_underlying_type);
            }
            if let Some(m) = self.field(f, &g, &name)? {
                members.push(m);
            }
        }
        let mut has_visible_constructor = false;
        let extension_type = attrs.is_some_and(|a| a.extension);
        for m in ty.methods.0..ty.methods.1 {
            if let Some(member) = self.method(m, &g, &name, kind, extension_type)? {
                if member.kind == MemberKind::Constructor && !member.is_static {
                    has_visible_constructor = true;
                }
                members.push(member);
            }
        }
        self.properties_and_events(row, &g, &name, &mut members)?;
        if kind == TypeKind::Enum {
            members.retain(|m| m.kind == MemberKind::Field);
        }
        let keyword = match kind {
            TypeKind::Class if is_abstract && is_sealed => "static class",
            TypeKind::Class if is_abstract => "abstract class",
            TypeKind::Class if is_sealed => "sealed class",
            TypeKind::Class => "class",
            TypeKind::Struct => "struct",
            TypeKind::Interface => "interface",
            TypeKind::Enum => "enum",
            TypeKind::Delegate => "delegate",
        };
        let mut declaration = format!("{} {keyword} ", visibility.keyword());
        if kind == TypeKind::Delegate {
            if let Some(invoke) = members.iter().find(|m| m.name == "Invoke") {
                declaration = format!(
                    "{} delegate {} {name}({})",
                    visibility.keyword(),
                    invoke.type_name,
                    parameter_list(&invoke.parameters)
                );
            }
        } else {
            declaration.push_str(&name);
            let mut bases: Vec<String> = Vec::new();
            match kind {
                TypeKind::Enum => bases.extend(enum_underlying_type.clone().filter(|t| t != "int")),
                TypeKind::Class => bases.extend(base_type.clone().filter(|b| b != "object")),
                _ => {}
            }
            bases.extend(interfaces.iter().cloned());
            if !bases.is_empty() {
                declaration.push_str(" : ");
                declaration.push_str(&bases.join(", "));
            }
        }
        declaration.push_str(&constraint_clauses(&generic_parameters));
        self.spend(declaration.len() + name.len() * 2)?;
        Ok(ApiType {
            name,
            metadata_name,
            kind,
            visibility,
            is_abstract: is_abstract && kind == TypeKind::Class,
            is_sealed,
            is_static: is_abstract && is_sealed && kind == TypeKind::Class,
            has_visible_constructor,
            base_type,
            interfaces,
            generic_parameters,
            enum_underlying_type,
            obsolete: attrs.and_then(|a| a.obsolete.clone()),
            members,
            declaration,
        })
    }

    fn field_row(&self, f: u32) -> Result<(u16, String, u32), String> {
        let row = self
            .md
            .table(t::FIELD)
            .row(f)
            .ok_or("the Field table is cut short")?;
        Ok((
            self.col(t::FIELD, row, 0)? as u16,
            self.md.string(self.col(t::FIELD, row, 1)?)?,
            self.col(t::FIELD, row, 2)?,
        ))
    }

    fn field_type(&self, blob: u32, g: &Generics<'_>) -> Result<String, String> {
        let sig = self.md.blob(blob)?;
        let mut sig = SigReader::new(sig);
        if sig.byte()? != 0x06 {
            return Err("a field signature does not start with FIELD".into());
        }
        self.steps.set(0);
        let (ty, by_ref, _) = self.param_type(&mut sig, g, 0)?;
        Ok(if by_ref { format!("ref {ty}") } else { ty })
    }

    fn enum_underlying(&self, f: u32, g: &Generics<'_>) -> Result<Option<String>, String> {
        let (flags, _, sig) = self.field_row(f)?;
        if flags & F_STATIC != 0 {
            return Ok(None);
        }
        Ok(Some(self.field_type(sig, g)?))
    }

    fn field(&self, f: u32, g: &Generics<'_>, owner: &str) -> Result<Option<ApiMember>, String> {
        let (flags, name, sig) = self.field_row(f)?;
        let Some(visibility) = member_visibility(flags) else {
            return Ok(None);
        };
        let type_name = self.field_type(sig, g)?;
        let is_static = flags & F_STATIC != 0;
        let literal = flags & F_LITERAL != 0;
        let constant = if literal {
            self.constant((t::FIELD, f))?
        } else {
            None
        };
        let read_only = flags & F_INIT_ONLY != 0;
        let mut signature = visibility.keyword().to_string();
        if literal {
            signature.push_str(" const");
        } else {
            if is_static {
                signature.push_str(" static");
            }
            if read_only {
                signature.push_str(" readonly");
            }
        }
        signature = format!("{signature} {type_name} {owner}.{name}");
        if let Some(value) = &constant {
            signature = format!("{signature} = {value}");
        }
        self.spend(signature.len() + type_name.len() + name.len() * 2)?;
        Ok(Some(ApiMember {
            kind: MemberKind::Field,
            key: format!("{name}:{type_name}"),
            name,
            visibility,
            is_static,
            is_abstract: false,
            is_virtual: false,
            is_override: false,
            is_accessor: false,
            type_name,
            parameters: Vec::new(),
            generic_parameters: Vec::new(),
            constant,
            read_only,
            getter: None,
            setter: None,
            obsolete: self
                .attributes
                .get(&(t::FIELD, f))
                .and_then(|a| a.obsolete.clone()),
            signature,
        }))
    }

    /// (return, parameters, key types) of a method signature blob, in display and positional form.
    #[allow(clippy::type_complexity)]
    fn method_signature(
        &self,
        blob: u32,
        g: &Generics<'_>,
        key_g: &Generics<'_>,
        property: bool,
    ) -> Result<((String, bool, bool), Vec<(String, bool, bool)>, String), String> {
        let data = self.md.blob(blob)?;
        let mut parts = Vec::new();
        for gen in [g, key_g] {
            self.steps.set(0);
            let mut sig = SigReader::new(data);
            let conv = sig.byte()?;
            if property && conv & 0x0F != 0x08 {
                return Err("a property signature does not start with PROPERTY".into());
            }
            if conv & 0x10 != 0 {
                sig.compressed()?;
            }
            let count = sig.compressed()?;
            let ret = self.param_type(&mut sig, gen, 0)?;
            let mut params = Vec::new();
            for _ in 0..count {
                if sig.peek() == Some(0x41) {
                    sig.byte()?;
                }
                params.push(self.param_type(&mut sig, gen, 0)?);
            }
            parts.push((ret, params));
        }
        let (key_ret, key_params) = parts.pop().ok_or("a signature could not be read")?;
        let (ret, params) = parts.pop().ok_or("a signature could not be read")?;
        let key = format!(
            "({}):{}",
            key_params
                .iter()
                .map(|(t, r, _)| if *r { format!("{t}&") } else { t.clone() })
                .collect::<Vec<_>>()
                .join(","),
            if key_ret.1 {
                format!("{}&", key_ret.0)
            } else {
                key_ret.0
            }
        );
        Ok((ret, params, key))
    }

    fn method(
        &self,
        m: u32,
        type_g: &Generics<'_>,
        owner: &str,
        kind: TypeKind,
        extension_type: bool,
    ) -> Result<Option<ApiMember>, String> {
        let method = self
            .methods
            .get(m as usize - 1)
            .ok_or("a method index is out of range")?;
        let Some(visibility) = member_visibility(method.flags) else {
            return Ok(None);
        };
        let own = self.generic_names((t::METHOD_DEF, m))?;
        let g = Generics {
            of_type: type_g.of_type,
            of_method: &own,
        };
        let type_positions = Self::positional(type_g.of_type.len(), false);
        let method_positions = Self::positional(own.len(), true);
        let key_g = Generics {
            of_type: &type_positions,
            of_method: &method_positions,
        };
        let (ret, params, key_types) =
            self.method_signature(method.signature, &g, &key_g, false)?;
        let param_rows = self.param_rows(method.params)?;
        let attrs = self.attributes.get(&(t::METHOD_DEF, m));
        let extension = extension_type && attrs.is_some_and(|a| a.extension);
        let mut parameters = Vec::new();
        for (i, (ty, by_ref, read_only)) in params.iter().enumerate() {
            let seq = i as u16 + 1;
            let found = param_rows.iter().find(|p| p.1 == seq);
            let (flags, name, row) =
                found
                    .map(|p| (p.0, p.2.clone(), p.3))
                    .unwrap_or((0, format!("arg{seq}"), 0));
            let modifier = if *by_ref {
                if flags & P_OUT != 0 && flags & P_IN == 0 {
                    "out"
                } else if *read_only || flags & P_IN != 0 {
                    "in"
                } else {
                    "ref"
                }
            } else if row != 0
                && self
                    .attributes
                    .get(&(t::PARAM, row))
                    .is_some_and(|a| a.param_array)
            {
                "params"
            } else if i == 0 && extension {
                "this"
            } else {
                ""
            };
            let default = if row != 0 {
                self.constant((t::PARAM, row))?
            } else {
                None
            };
            parameters.push(ApiParameter {
                name,
                type_name: ty.clone(),
                modifier: modifier.to_string(),
                default,
            });
        }
        let is_static = method.flags & M_STATIC != 0;
        let is_abstract = method.flags & M_ABSTRACT != 0;
        let virtual_flag = method.flags & M_VIRTUAL != 0;
        let is_virtual = virtual_flag && method.flags & M_FINAL == 0;
        let is_override =
            virtual_flag && method.flags & M_NEW_SLOT == 0 && kind != TypeKind::Interface;
        let is_ctor = method.name == ".ctor" || method.name == ".cctor";
        if method.name == ".cctor" {
            return Ok(None);
        }
        let generic_parameters = self.generic_parameters((t::METHOD_DEF, m), &g, 0)?;
        let type_name = if ret.1 {
            format!("{} {}", if ret.2 { "ref readonly" } else { "ref" }, ret.0)
        } else {
            ret.0.clone()
        };
        let mut signature = visibility.keyword().to_string();
        if is_static {
            signature.push_str(" static");
        }
        if kind != TypeKind::Interface {
            if is_abstract {
                signature.push_str(" abstract");
            } else if is_override && method.flags & M_FINAL != 0 {
                signature.push_str(" sealed override");
            } else if is_override {
                signature.push_str(" override");
            } else if is_virtual {
                signature.push_str(" virtual");
            }
        } else if !is_abstract && !is_static && is_virtual {
            signature.push_str(" virtual");
        }
        let arity = if own.is_empty() {
            String::new()
        } else {
            format!("<{}>", own.join(", "))
        };
        if is_ctor {
            signature = format!("{signature} {owner}({})", parameter_list(&parameters));
        } else {
            signature = format!(
                "{signature} {type_name} {owner}.{}{arity}({})",
                method.name,
                parameter_list(&parameters)
            );
        }
        signature.push_str(&constraint_clauses(&generic_parameters));
        let key = format!(
            "{}{}{}",
            method.name,
            if own.is_empty() {
                String::new()
            } else {
                format!("``{}", own.len())
            },
            key_types
        );
        self.spend(signature.len() + key.len() + type_name.len())?;
        Ok(Some(ApiMember {
            kind: if is_ctor {
                MemberKind::Constructor
            } else {
                MemberKind::Method
            },
            name: method.name.clone(),
            key,
            visibility,
            is_static,
            is_abstract,
            is_virtual,
            is_override,
            is_accessor: self.semantics.contains_key(&m),
            type_name,
            parameters,
            generic_parameters,
            constant: None,
            read_only: false,
            getter: None,
            setter: None,
            obsolete: attrs.and_then(|a| a.obsolete.clone()),
            signature,
        }))
    }

    /// Param rows of a method: (flags, sequence, name, row).
    fn param_rows(&self, range: (u32, u32)) -> Result<Vec<(u16, u16, String, u32)>, String> {
        let table = self.md.table(t::PARAM);
        let mut out = Vec::new();
        for p in range.0..range.1 {
            let row = table.row(p).ok_or("the Param table is cut short")?;
            out.push((
                self.col(t::PARAM, row, 0)? as u16,
                self.col(t::PARAM, row, 1)? as u16,
                self.md.string(self.col(t::PARAM, row, 2)?)?,
                p,
            ));
        }
        Ok(out)
    }

    /// Visible properties and events of type `row`, judged through their accessors.
    fn properties_and_events(
        &self,
        row: u32,
        g: &Generics<'_>,
        owner: &str,
        members: &mut Vec<ApiMember>,
    ) -> Result<(), String> {
        let accessors: HashMap<&str, &ApiMember> = members
            .iter()
            .filter(|m| m.is_accessor)
            .map(|m| (m.name.as_str(), m))
            .collect();
        let mut by_method: HashMap<u32, &ApiMember> = HashMap::new();
        let ty = self.type_row(row).ok_or("a type index is out of range")?;
        for m in ty.methods.0..ty.methods.1 {
            if let Some(method) = self.methods.get(m as usize - 1) {
                if let Some(found) = accessors.get(method.name.as_str()) {
                    if member_visibility(method.flags).is_some() && self.semantics.contains_key(&m)
                    {
                        by_method.insert(m, found);
                    }
                }
            }
        }
        let mut added = Vec::new();
        for (is_property, map_table, list_table) in [
            (true, t::PROPERTY_MAP, t::PROPERTY),
            (false, t::EVENT_MAP, t::EVENT),
        ] {
            let Some((start, end)) = self.map_range(map_table, list_table, row)? else {
                continue;
            };
            for p in start..end {
                // Accessors of this property or event.
                let (mut get, mut set) = (None, None);
                for (m, kind) in self
                    .accessors_of
                    .get(&(is_property, p))
                    .into_iter()
                    .flatten()
                {
                    let Some(member) = by_method.get(m) else {
                        continue;
                    };
                    match kind {
                        0x2 | 0x8 => get = Some(*member),
                        0x1 | 0x10 => set = Some(*member),
                        _ => {}
                    }
                }
                if get.is_none() && set.is_none() {
                    continue;
                }
                added.push(self.property_or_event(is_property, p, get, set, g, owner)?);
            }
        }
        members.extend(added);
        Ok(())
    }

    /// [start, end) of the property or event rows that `map_table` gives type `row`.
    fn map_range(
        &self,
        map_table: usize,
        list_table: usize,
        row: u32,
    ) -> Result<Option<(u32, u32)>, String> {
        let map = self.md.table(map_table);
        let count = self.md.table(list_table).rows;
        for n in 1..=map.rows {
            let r = map.row(n).ok_or("a map table is cut short")?;
            if self.col(map_table, r, 0)? != row {
                continue;
            }
            let start = self.col(map_table, r, 1)?;
            let next = match map.row(n + 1) {
                Some(next) => Some(self.col(map_table, next, 1)?),
                None => None,
            };
            return Ok(Some(range_rows(start, next, count, 1)));
        }
        Ok(None)
    }

    fn property_or_event(
        &self,
        is_property: bool,
        p: u32,
        get: Option<&ApiMember>,
        set: Option<&ApiMember>,
        g: &Generics<'_>,
        owner: &str,
    ) -> Result<ApiMember, String> {
        let table = if is_property { t::PROPERTY } else { t::EVENT };
        let r = self
            .md
            .table(table)
            .row(p)
            .ok_or("the Property or Event table is cut short")?;
        let name = self.md.string(self.col(table, r, 1)?)?;
        let visibility = get
            .map(|m| m.visibility)
            .max(set.map(|m| m.visibility))
            .unwrap_or(Visibility::Protected);
        let any = get.or(set).ok_or("a property without accessors")?;
        let (type_name, parameters, key) = if is_property {
            let type_positions = Self::positional(g.of_type.len(), false);
            let key_g = Generics {
                of_type: &type_positions,
                of_method: &[],
            };
            let (ret, params, key_types) =
                self.method_signature(self.col(table, r, 2)?, g, &key_g, true)?;
            let parameters: Vec<ApiParameter> =
                get.map(|m| m.parameters.clone()).unwrap_or_else(|| {
                    set.map(|m| {
                        let mut p = m.parameters.clone();
                        p.pop();
                        p
                    })
                    .unwrap_or_default()
                });
            let parameters = if parameters.len() == params.len() {
                parameters
            } else {
                params
                    .iter()
                    .enumerate()
                    .map(|(i, p)| ApiParameter {
                        name: format!("arg{}", i + 1),
                        type_name: p.0.clone(),
                        modifier: String::new(),
                        default: None,
                    })
                    .collect()
            };
            let ty = if ret.1 {
                format!("ref {}", ret.0)
            } else {
                ret.0
            };
            (ty, parameters, format!("{name}{key_types}"))
        } else {
            self.steps.set(0);
            let ty = self.coded_type(self.col(table, r, 2)?, g, 0)?;
            (ty, Vec::new(), name.clone())
        };
        let mut signature = visibility.keyword().to_string();
        if any.is_static {
            signature.push_str(" static");
        }
        if any.is_abstract && !owner.is_empty() {
            signature.push_str(" abstract");
        } else if any.is_override {
            signature.push_str(" override");
        } else if any.is_virtual {
            signature.push_str(" virtual");
        }
        if is_property {
            let target = if parameters.is_empty() {
                format!("{owner}.{name}")
            } else {
                format!("{owner}.this[{}]", parameter_list(&parameters))
            };
            let accessor = |word: &str, m: Option<&ApiMember>| {
                m.map(|m| {
                    if m.visibility == visibility {
                        format!(" {word};")
                    } else {
                        format!(" {} {word};", m.visibility.keyword())
                    }
                })
                .unwrap_or_default()
            };
            signature = format!(
                "{signature} {type_name} {target} {{{}{} }}",
                accessor("get", get),
                accessor("set", set)
            );
        } else {
            signature = format!("{signature} event {type_name} {owner}.{name}");
        }
        self.spend(signature.len() + key.len())?;
        Ok(ApiMember {
            kind: if is_property {
                MemberKind::Property
            } else {
                MemberKind::Event
            },
            name,
            key,
            visibility,
            is_static: any.is_static,
            is_abstract: any.is_abstract,
            is_virtual: any.is_virtual,
            is_override: any.is_override,
            is_accessor: false,
            type_name,
            parameters,
            generic_parameters: Vec::new(),
            constant: if is_property {
                self.constant((t::PROPERTY, p))?
            } else {
                None
            },
            read_only: false,
            getter: get.map(|m| m.visibility),
            setter: set.map(|m| m.visibility),
            obsolete: self
                .attributes
                .get(&(table, p))
                .and_then(|a| a.obsolete.clone()),
            signature,
        })
    }
}

fn parameter_list(parameters: &[ApiParameter]) -> String {
    parameters
        .iter()
        .map(|p| {
            let mut text = String::new();
            if !p.modifier.is_empty() {
                text.push_str(&p.modifier);
                text.push(' ');
            }
            text.push_str(&p.type_name);
            text.push(' ');
            text.push_str(&p.name);
            if let Some(d) = &p.default {
                text.push_str(" = ");
                text.push_str(d);
            }
            text
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn constraint_clauses(parameters: &[GenericParameter]) -> String {
    parameters
        .iter()
        .filter(|p| !p.constraints.is_empty())
        .map(|p| format!(" where {} : {}", p.name, p.constraints.join(", ")))
        .collect()
}

/// A constant's value as C# writes it (ECMA-335 §II.22.9).
fn constant_text(kind: u8, value: &[u8]) -> String {
    let int = |n: usize| -> Option<[u8; 8]> {
        let bytes = value.get(..n)?;
        let mut out = [0u8; 8];
        out.get_mut(..n)?.copy_from_slice(bytes);
        Some(out)
    };
    let signed = |n: usize| {
        int(n).map(|b| {
            let raw = i64::from_le_bytes(b);
            let shift = 64 - 8 * n as u32;
            (raw << shift) >> shift
        })
    };
    let unsigned = |n: usize| int(n).map(u64::from_le_bytes);
    let text = match kind {
        0x02 => value.first().map(|b| (*b != 0).to_string()),
        0x03 => unsigned(2).map(|c| match char::from_u32(c as u32) {
            Some(ch) if !ch.is_control() => format!("'{ch}'"),
            _ => format!("'\\u{c:04x}'"),
        }),
        0x04 => signed(1).map(|v| v.to_string()),
        0x05 => unsigned(1).map(|v| v.to_string()),
        0x06 => signed(2).map(|v| v.to_string()),
        0x07 => unsigned(2).map(|v| v.to_string()),
        0x08 => signed(4).map(|v| v.to_string()),
        0x09 => unsigned(4).map(|v| v.to_string()),
        0x0A => signed(8).map(|v| v.to_string()),
        0x0B => unsigned(8).map(|v| v.to_string()),
        0x0C => unsigned(4).map(|v| format!("{:?}", f32::from_bits(v as u32))),
        0x0D => unsigned(8).map(|v| format!("{:?}", f64::from_bits(v))),
        0x0E => {
            let units: Vec<u16> = value
                .chunks_exact(2)
                .map(|c| {
                    u16::from_le_bytes([
                        c.first().copied().unwrap_or(0),
                        c.get(1).copied().unwrap_or(0),
                    ])
                })
                .collect();
            Some(format!("{:?}", String::from_utf16_lossy(&units)))
        }
        0x12 => Some("null".to_string()),
        _ => None,
    };
    text.unwrap_or_else(|| "?".to_string())
}

/// `[Obsolete]`'s arguments: message (a SerString) and `error` (a bool), when the ctor has them.
fn obsolete_args(value: &[u8], args: u32) -> Obsolete {
    let mut out = Obsolete {
        message: None,
        error: false,
    };
    if value.get(..2) != Some(&[1, 0]) || args == 0 {
        return out;
    }
    let mut sig = SigReader::new(value.get(2..).unwrap_or_default());
    if sig.peek() == Some(0xFF) {
        let _ = sig.byte();
    } else if let Ok(len) = sig.compressed() {
        if let Some(text) = sig.take(len as usize) {
            out.message = Some(String::from_utf8_lossy(text).into_owned());
        }
    }
    if args >= 2 {
        out.error = sig.byte().is_ok_and(|b| b != 0);
    }
    out
}

/// A cursor over a signature blob (§II.23.2); every read is checked.
struct SigReader<'s> {
    data: &'s [u8],
    at: usize,
}

impl<'s> SigReader<'s> {
    fn new(data: &'s [u8]) -> SigReader<'s> {
        SigReader { data, at: 0 }
    }
    fn peek(&self) -> Option<u8> {
        self.data.get(self.at).copied()
    }
    fn byte(&mut self) -> Result<u8, String> {
        let b = self.peek().ok_or("a signature is cut short")?;
        self.at += 1;
        Ok(b)
    }
    fn take(&mut self, n: usize) -> Option<&'s [u8]> {
        let out = self.data.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(out)
    }
    /// A compressed unsigned integer (1, 2 or 4 bytes, big-endian).
    fn compressed(&mut self) -> Result<u32, String> {
        let first = u32::from(self.byte()?);
        if first & 0x80 == 0 {
            Ok(first)
        } else if first & 0xC0 == 0x80 {
            Ok(((first & 0x3F) << 8) | u32::from(self.byte()?))
        } else if first & 0xE0 == 0xC0 {
            let mut v = first & 0x1F;
            for _ in 0..3 {
                v = (v << 8) | u32::from(self.byte()?);
            }
            Ok(v)
        } else {
            Err("a signature holds a malformed number".into())
        }
    }
    /// Parameter count of a method signature (a constructor's).
    fn ctor_arg_count(mut self) -> Option<u32> {
        let conv = self.byte().ok()?;
        if conv & 0x10 != 0 {
            self.compressed().ok()?;
        }
        self.compressed().ok()
    }
}
