//! The nuspec: parsed with `quick-xml` into a small element tree (kept whole,
//! so nothing the strict reading needs is lost), then into typed metadata.
//!
//! Typed fields follow NuGet's reader: elements are matched by their exact
//! local name under `<metadata>` and the first occurrence wins. Everything else
//! (duplicates, unknown elements, other casings, raw boolean text, child nodes
//! under `<license>`/`<icon>`/`<readme>`) stays visible through [`Nuspec::root`]
//! and [`Nuspec::metadata_element_facts`].

use crate::error::PackageError;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

/// Deepest element nesting accepted (a real nuspec needs five levels).
pub const MAX_DEPTH: usize = 64;
/// Most elements accepted in one nuspec.
pub const MAX_ELEMENTS: usize = 200_000;

/// The nuspec namespaces NuGet knows, oldest first.
pub const KNOWN_NAMESPACES: [&str; 6] = [
    "http://schemas.microsoft.com/packaging/2010/07/nuspec.xsd",
    "http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd",
    "http://schemas.microsoft.com/packaging/2011/10/nuspec.xsd",
    "http://schemas.microsoft.com/packaging/2012/06/nuspec.xsd",
    "http://schemas.microsoft.com/packaging/2013/01/nuspec.xsd",
    "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd",
];

/// Metadata child elements the nuspec schema defines (exact casing).
pub const KNOWN_METADATA_ELEMENTS: [&str; 28] = [
    "id",
    "version",
    "title",
    "authors",
    "owners",
    "description",
    "summary",
    "releaseNotes",
    "copyright",
    "language",
    "tags",
    "projectUrl",
    "iconUrl",
    "icon",
    "readme",
    "licenseUrl",
    "license",
    "requireLicenseAcceptance",
    "developmentDependency",
    "serviceable",
    "repository",
    "packageTypes",
    "dependencies",
    "frameworkAssemblies",
    "frameworkReferences",
    "references",
    "contentFiles",
    "minClientVersion",
];

/// One XML element as written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct XmlElement {
    /// The qualified name as written (`metadata`, `nu:metadata`).
    pub name: String,
    /// The local part of the name.
    pub local_name: String,
    /// The namespace URI it resolves to, if any.
    pub namespace: Option<String>,
    /// Attributes in document order: (name as written, unescaped value).
    pub attributes: Vec<(String, String)>,
    /// The element's own text (text and CDATA directly inside it, unescaped, not trimmed).
    pub text: String,
    pub children: Vec<XmlElement>,
}

impl XmlElement {
    /// The value of an attribute matched by exact name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Children with this exact local name.
    pub fn children_named<'a>(
        &'a self,
        local: &'a str,
    ) -> impl Iterator<Item = &'a XmlElement> + 'a {
        self.children.iter().filter(move |c| c.local_name == local)
    }

    /// The first child with this exact local name.
    pub fn child(&self, local: &str) -> Option<&XmlElement> {
        self.children.iter().find(|c| c.local_name == local)
    }
}

/// How one metadata child element name occurs, for the strict checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataElementFact {
    /// The local name exactly as written.
    pub name: String,
    /// How many times this exact name occurs under `<metadata>`.
    pub count: usize,
    /// The schema's spelling when it matches one case-insensitively.
    pub canonical: Option<&'static str>,
    /// The element's namespace differs from `<metadata>`'s.
    pub foreign_namespace: bool,
}

impl MetadataElementFact {
    /// Not an element of the nuspec schema in any casing.
    pub fn is_unknown(&self) -> bool {
        self.canonical.is_none()
    }
    /// A schema element written in another casing (`<ID>`).
    pub fn is_miscased(&self) -> bool {
        self.canonical.is_some_and(|c| c != self.name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseElement {
    /// `type` attribute as written (`expression` or `file` when valid).
    pub kind: Option<String>,
    /// `version` attribute as written.
    pub version: Option<String>,
    /// The element text as written.
    pub value: String,
    /// The element contains child elements (nuget.org rejects that).
    pub has_child_elements: bool,
}

/// `<icon>` or `<readme>`: a path inside the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathElement {
    /// The text as written (may use `\`).
    pub value: String,
    pub has_child_elements: bool,
}

impl PathElement {
    /// The path with `\` turned into `/` and surrounding whitespace removed.
    pub fn normalized(&self) -> String {
        self.value.trim().replace('\\', "/")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Repository {
    pub kind: Option<String>,
    pub url: Option<String>,
    pub branch: Option<String>,
    pub commit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageType {
    pub name: String,
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// `id` attribute as written (`None` when missing).
    pub id: Option<String>,
    /// `version` attribute as written (a version range).
    pub version: Option<String>,
    pub include: Option<String>,
    pub exclude: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DependencyGroup {
    /// `targetFramework` as written; `None` for the group that applies to every framework.
    pub target_framework: Option<String>,
    pub dependencies: Vec<Dependency>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dependencies {
    /// `<dependency>` elements directly under `<dependencies>` (the legacy flat form).
    pub flat: Vec<Dependency>,
    pub groups: Vec<DependencyGroup>,
}

impl Dependencies {
    /// The groups NuGet uses: the explicit groups, or the flat list as one
    /// group without a framework (NuGet ignores the flat list when groups exist).
    pub fn effective_groups(&self) -> Vec<DependencyGroup> {
        if !self.groups.is_empty() {
            self.groups.clone()
        } else if !self.flat.is_empty() {
            vec![DependencyGroup {
                target_framework: None,
                dependencies: self.flat.clone(),
            }]
        } else {
            Vec::new()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameworkAssembly {
    pub assembly_name: Option<String>,
    /// Comma-separated frameworks as written.
    pub target_framework: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameworkReferenceGroup {
    pub target_framework: Option<String>,
    pub references: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceGroup {
    pub target_framework: Option<String>,
    /// `file` attributes.
    pub files: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct References {
    pub flat: Vec<String>,
    pub groups: Vec<ReferenceGroup>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentFilesEntry {
    pub include: Option<String>,
    pub exclude: Option<String>,
    pub build_action: Option<String>,
    pub copy_to_output: Option<String>,
    pub flatten: Option<String>,
}

/// The parsed nuspec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nuspec {
    /// The whole document as an element tree (the `<package>` element).
    pub root: XmlElement,
    /// The file started with a UTF-8 byte order mark.
    pub has_bom: bool,
    /// `encoding` from the XML declaration, as written.
    pub declared_encoding: Option<String>,
    /// Index of `<metadata>` in `root.children`.
    metadata_index: usize,

    pub id: Option<String>,
    pub version: Option<String>,
    pub title: Option<String>,
    pub authors: Option<String>,
    pub owners: Option<String>,
    pub description: Option<String>,
    pub summary: Option<String>,
    pub release_notes: Option<String>,
    pub copyright: Option<String>,
    pub language: Option<String>,
    pub tags: Option<String>,
    pub project_url: Option<String>,
    pub icon_url: Option<String>,
    pub license_url: Option<String>,
    /// Raw text of `<requireLicenseAcceptance>`; see [`Nuspec::require_license_acceptance`].
    pub require_license_acceptance_raw: Option<String>,
    pub development_dependency_raw: Option<String>,
    pub serviceable_raw: Option<String>,
    /// `minClientVersion` attribute of `<metadata>` as written.
    pub min_client_version: Option<String>,
    pub icon: Option<PathElement>,
    pub readme: Option<PathElement>,
    pub license: Option<LicenseElement>,
    pub repository: Option<Repository>,
    pub package_types: Vec<PackageType>,
    pub dependencies: Dependencies,
    pub framework_assemblies: Vec<FrameworkAssembly>,
    pub framework_references: Vec<FrameworkReferenceGroup>,
    pub references: References,
    pub content_files: Vec<ContentFilesEntry>,
}

/// Reads an XML boolean as NuGet does (`true`/`false`, any case, trimmed).
pub fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

impl Nuspec {
    /// The `<metadata>` element.
    pub fn metadata(&self) -> &XmlElement {
        self.root
            .children
            .get(self.metadata_index)
            .unwrap_or(&self.root)
    }

    /// The namespace of `<package>` as written (`None` when there is none).
    pub fn root_namespace(&self) -> Option<&str> {
        self.root.namespace.as_deref()
    }

    /// The namespace of `<metadata>` (the one NuGet reads fields in).
    pub fn metadata_namespace(&self) -> Option<&str> {
        self.metadata().namespace.as_deref()
    }

    /// 1-based position of the metadata namespace in [`KNOWN_NAMESPACES`]
    /// (2010/07 = 1 … 2013/05 = 6), `None` when absent or unknown.
    pub fn schema_generation(&self) -> Option<usize> {
        let ns = self.metadata_namespace()?;
        KNOWN_NAMESPACES
            .iter()
            .position(|k| *k == ns)
            .map(|i| i + 1)
    }

    /// The `<files>` element is present (it is a packing instruction).
    pub fn has_files_element(&self) -> bool {
        self.root.child("files").is_some()
    }

    /// `requireLicenseAcceptance` read as a boolean; `None` when absent or not a boolean.
    pub fn require_license_acceptance(&self) -> Option<bool> {
        self.require_license_acceptance_raw
            .as_deref()
            .and_then(parse_bool)
    }
    pub fn development_dependency(&self) -> Option<bool> {
        self.development_dependency_raw
            .as_deref()
            .and_then(parse_bool)
    }
    pub fn serviceable(&self) -> Option<bool> {
        self.serviceable_raw.as_deref().and_then(parse_bool)
    }

    /// `authors`/`owners`/`tags` split as nuget.org displays them.
    pub fn authors_list(&self) -> Vec<String> {
        split_list(self.authors.as_deref(), &[','])
    }
    pub fn owners_list(&self) -> Vec<String> {
        split_list(self.owners.as_deref(), &[','])
    }
    pub fn tags_list(&self) -> Vec<String> {
        split_list(self.tags.as_deref(), &[' ', ',', ';', '\t', '\n', '\r'])
    }

    /// Every distinct child element name of `<metadata>` with its count and casing facts.
    pub fn metadata_element_facts(&self) -> Vec<MetadataElementFact> {
        let meta = self.metadata();
        let mut facts: Vec<MetadataElementFact> = Vec::new();
        for child in &meta.children {
            if let Some(f) = facts.iter_mut().find(|f| f.name == child.local_name) {
                f.count += 1;
                continue;
            }
            facts.push(MetadataElementFact {
                name: child.local_name.clone(),
                count: 1,
                canonical: KNOWN_METADATA_ELEMENTS
                    .iter()
                    .find(|k| k.eq_ignore_ascii_case(&child.local_name))
                    .copied(),
                foreign_namespace: child.namespace != meta.namespace,
            });
        }
        facts
    }

    /// Names of metadata elements that occur more than once (case-insensitively).
    pub fn duplicate_metadata_elements(&self) -> Vec<String> {
        let mut seen: Vec<(String, usize)> = Vec::new();
        for child in &self.metadata().children {
            let key = child.local_name.to_ascii_lowercase();
            match seen.iter_mut().find(|(k, _)| *k == key) {
                Some((_, n)) => *n += 1,
                None => seen.push((key, 1)),
            }
        }
        seen.into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(k, _)| k)
            .collect()
    }
}

fn split_list(value: Option<&str>, seps: &[char]) -> Vec<String> {
    value
        .unwrap_or("")
        .split(|c| seps.contains(&c))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn xml_err(entry: &str, detail: impl ToString) -> PackageError {
    PackageError::NuspecXml {
        entry: entry.to_string(),
        detail: detail.to_string(),
    }
}

fn resolve_entity(entry: &str, name: &str) -> Result<char, PackageError> {
    match name {
        "amp" => Ok('&'),
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "quot" => Ok('"'),
        "apos" => Ok('\''),
        _ => Err(xml_err(
            entry,
            format!(
                "the entity &{name}; is not defined (NuGet does not process entity definitions)"
            ),
        )),
    }
}

/// Parses the nuspec bytes into an element tree, refusing DTDs, deep
/// nesting and non-UTF-8 text.
pub fn parse_tree(
    entry: &str,
    bytes: &[u8],
) -> Result<(XmlElement, bool, Option<String>), PackageError> {
    let has_bom = bytes.starts_with(BOM);
    let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
    if body.starts_with(&[0xFF, 0xFE]) || body.starts_with(&[0xFE, 0xFF]) {
        return Err(PackageError::NuspecEncoding {
            entry: entry.to_string(),
            detail: "it is UTF-16".into(),
        });
    }
    let text = std::str::from_utf8(body).map_err(|e| PackageError::NuspecEncoding {
        entry: entry.to_string(),
        detail: format!(
            "invalid UTF-8 at byte {}",
            e.valid_up_to() + if has_bom { 3 } else { 0 }
        ),
    })?;
    let mut reader = NsReader::from_str(text);
    {
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
    }
    let mut stack: Vec<XmlElement> = Vec::new();
    let mut root: Option<XmlElement> = None;
    let mut declared_encoding = None;
    let mut element_count = 0usize;
    loop {
        let position = reader.buffer_position();
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| xml_err(entry, format!("{e} (after byte {position})")))?;
        let ns = match ns {
            ResolveResult::Bound(n) => Some(n.as_ref().to_string()),
            _ => None,
        };
        match event {
            Event::DocType(_) => {
                return Err(PackageError::NuspecDtd {
                    entry: entry.to_string(),
                })
            }
            Event::Decl(decl) => {
                if let Some(Ok(enc)) = decl.encoding() {
                    declared_encoding = Some(enc.as_ref().to_string());
                }
            }
            Event::Start(ref start) | Event::Empty(ref start) => {
                element_count += 1;
                if element_count > MAX_ELEMENTS {
                    return Err(xml_err(entry, format!("more than {MAX_ELEMENTS} elements")));
                }
                if root.is_some() && stack.is_empty() {
                    return Err(xml_err(entry, "more than one root element"));
                }
                let mut element = XmlElement {
                    name: start.name().as_ref().to_string(),
                    local_name: start.local_name().as_ref().to_string(),
                    namespace: ns,
                    ..XmlElement::default()
                };
                for attr in start.attributes() {
                    let attr = attr.map_err(|e| xml_err(entry, e))?;
                    let key = attr.key.as_ref().to_string();
                    let value = attr
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| xml_err(entry, format!("attribute {key}: {e}")))?
                        .into_owned();
                    element.attributes.push((key, value));
                }
                if matches!(event, Event::Empty(_)) {
                    attach(&mut stack, &mut root, element);
                } else {
                    if stack.len() >= MAX_DEPTH {
                        return Err(PackageError::NuspecTooDeep {
                            entry: entry.to_string(),
                            limit: MAX_DEPTH,
                        });
                    }
                    stack.push(element);
                }
            }
            Event::End(_) => {
                let element = stack
                    .pop()
                    .ok_or_else(|| xml_err(entry, "a closing tag without an opening tag"))?;
                attach(&mut stack, &mut root, element);
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                } else if !t.xml10_content().trim().is_empty() {
                    return Err(xml_err(entry, "text outside the root element"));
                }
            }
            Event::CData(c) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&c.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let ch = if r.is_char_ref() {
                    r.resolve_char_ref()
                        .map_err(|e| xml_err(entry, e))?
                        .ok_or_else(|| xml_err(entry, "a character reference to nothing"))?
                } else {
                    resolve_entity(entry, r.as_ref())?
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push(ch);
                }
            }
            Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(xml_err(
            entry,
            "the document ends before its elements are closed",
        ));
    }
    let root = root.ok_or_else(|| xml_err(entry, "the document has no elements"))?;
    Ok((root, has_bom, declared_encoding))
}

fn attach(stack: &mut [XmlElement], root: &mut Option<XmlElement>, element: XmlElement) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

fn opt(v: Option<&str>) -> Option<String> {
    v.map(str::to_string)
}

fn dependency(el: &XmlElement) -> Dependency {
    Dependency {
        id: opt(el.attr("id")),
        version: opt(el.attr("version")),
        include: opt(el.attr("include")),
        exclude: opt(el.attr("exclude")),
    }
}

/// Parses nuspec bytes into the typed model.
pub fn parse(entry: &str, bytes: &[u8]) -> Result<Nuspec, PackageError> {
    let (root, has_bom, declared_encoding) = parse_tree(entry, bytes)?;
    let no_metadata = || PackageError::NuspecNoMetadata {
        entry: entry.to_string(),
    };
    if root.local_name != "package" {
        return Err(no_metadata());
    }
    let metadata_index = root
        .children
        .iter()
        .position(|c| c.local_name == "metadata")
        .ok_or_else(no_metadata)?;
    let meta = root.children.get(metadata_index).ok_or_else(no_metadata)?;
    let text = |name: &str| meta.child(name).map(|e| e.text.clone());
    let path_element = |name: &str| {
        meta.child(name).map(|e| PathElement {
            value: e.text.clone(),
            has_child_elements: !e.children.is_empty(),
        })
    };
    Ok(Nuspec {
        id: text("id"),
        version: text("version"),
        title: text("title"),
        authors: text("authors"),
        owners: text("owners"),
        description: text("description"),
        summary: text("summary"),
        release_notes: text("releaseNotes"),
        copyright: text("copyright"),
        language: text("language"),
        tags: text("tags"),
        project_url: text("projectUrl"),
        icon_url: text("iconUrl"),
        license_url: text("licenseUrl"),
        require_license_acceptance_raw: text("requireLicenseAcceptance"),
        development_dependency_raw: text("developmentDependency"),
        serviceable_raw: text("serviceable"),
        min_client_version: opt(meta.attr("minClientVersion")),
        icon: path_element("icon"),
        readme: path_element("readme"),
        license: license(meta),
        repository: repository(meta),
        package_types: package_types(meta),
        dependencies: dependencies(meta),
        framework_assemblies: framework_assemblies(meta),
        framework_references: framework_references(meta),
        references: references(meta),
        content_files: content_files(meta),
        has_bom,
        declared_encoding,
        metadata_index,
        root,
    })
}

/// `<license type version>text</license>`.
fn license(meta: &XmlElement) -> Option<LicenseElement> {
    meta.child("license").map(|e| LicenseElement {
        kind: opt(e.attr("type")),
        version: opt(e.attr("version")),
        value: e.text.clone(),
        has_child_elements: !e.children.is_empty(),
    })
}

/// `<repository type url branch commit/>`.
fn repository(meta: &XmlElement) -> Option<Repository> {
    meta.child("repository").map(|e| Repository {
        kind: opt(e.attr("type")),
        url: opt(e.attr("url")),
        branch: opt(e.attr("branch")),
        commit: opt(e.attr("commit")),
    })
}

/// Every `<packageTypes><packageType name version/>`.
fn package_types(meta: &XmlElement) -> Vec<PackageType> {
    meta.children_named("packageTypes")
        .flat_map(|p| p.children_named("packageType"))
        .map(|p| PackageType {
            name: p.attr("name").unwrap_or_default().to_string(),
            version: opt(p.attr("version")),
        })
        .collect()
}

/// The first `<dependencies>`: flat `<dependency>` elements and `<group>`s.
fn dependencies(meta: &XmlElement) -> Dependencies {
    let mut dependencies = Dependencies::default();
    let Some(deps) = meta.child("dependencies") else {
        return dependencies;
    };
    for child in &deps.children {
        match child.local_name.as_str() {
            "dependency" => dependencies.flat.push(dependency(child)),
            "group" => dependencies.groups.push(DependencyGroup {
                target_framework: opt(child.attr("targetFramework")),
                dependencies: child.children_named("dependency").map(dependency).collect(),
            }),
            _ => {}
        }
    }
    dependencies
}

/// Every `<frameworkAssemblies><frameworkAssembly assemblyName targetFramework/>`.
fn framework_assemblies(meta: &XmlElement) -> Vec<FrameworkAssembly> {
    meta.children_named("frameworkAssemblies")
        .flat_map(|f| f.children_named("frameworkAssembly"))
        .map(|f| FrameworkAssembly {
            assembly_name: opt(f.attr("assemblyName")),
            target_framework: opt(f.attr("targetFramework")),
        })
        .collect()
}

/// Every `<frameworkReferences><group targetFramework><frameworkReference name/>`.
fn framework_references(meta: &XmlElement) -> Vec<FrameworkReferenceGroup> {
    meta.children_named("frameworkReferences")
        .flat_map(|f| f.children_named("group"))
        .map(|g| FrameworkReferenceGroup {
            target_framework: opt(g.attr("targetFramework")),
            references: g
                .children_named("frameworkReference")
                .filter_map(|r| opt(r.attr("name")))
                .collect(),
        })
        .collect()
}

/// The first `<references>`: flat `<reference file>` elements and `<group>`s.
fn references(meta: &XmlElement) -> References {
    let mut references = References::default();
    let Some(refs) = meta.child("references") else {
        return references;
    };
    for child in &refs.children {
        match child.local_name.as_str() {
            "reference" => references.flat.extend(opt(child.attr("file"))),
            "group" => references.groups.push(ReferenceGroup {
                target_framework: opt(child.attr("targetFramework")),
                files: child
                    .children_named("reference")
                    .filter_map(|r| opt(r.attr("file")))
                    .collect(),
            }),
            _ => {}
        }
    }
    references
}

/// Every `<contentFiles><files include exclude buildAction copyToOutput flatten/>`.
fn content_files(meta: &XmlElement) -> Vec<ContentFilesEntry> {
    meta.children_named("contentFiles")
        .flat_map(|c| c.children_named("files"))
        .map(|f| ContentFilesEntry {
            include: opt(f.attr("include")),
            exclude: opt(f.attr("exclude")),
            build_action: opt(f.attr("buildAction")),
            copy_to_output: opt(f.attr("copyToOutput")),
            flatten: opt(f.attr("flatten")),
        })
        .collect()
}
