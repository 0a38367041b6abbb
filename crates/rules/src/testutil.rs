//! Test packages built from a valid base with exactly one defect.
#![allow(clippy::unwrap_used)]

use crate::{validate_file, Finding, Options, Report, RuleTarget, Severity};
use std::io::Write;
use std::path::PathBuf;

/// A 1×1 PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89, 0, 0, 0, 0x0D, 0x49, 0x44, 0x41, 0x54,
    0x78, 0x9C, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0D, 0x0A, 0x2D, 0xB4, 0, 0, 0, 0, 0x49, 0x45, 0x4E,
    0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// `n` bytes of letters that do not compress much (a zip bomb guard refuses highly compressible large entries).
pub fn noise(n: usize) -> Vec<u8> {
    let mut state: u32 = 0x1234_5678;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            b'a' + (state % 26) as u8
        })
        .collect()
}

pub struct Builder {
    pub id: String,
    /// Metadata children as (element name, full XML).
    pub meta: Vec<(String, String)>,
    pub metadata_attrs: String,
    pub files: Vec<(String, Vec<u8>, Option<zip::DateTime>)>,
    pub nuspec_name: Option<String>,
    pub nuspec_raw: Option<Vec<u8>>,
    pub file_name: String,
    pub zip64: bool,
    dir: tempfile::TempDir,
}

impl Builder {
    /// A package nuget.org accepts without an error or a warning.
    pub fn valid() -> Builder {
        let meta = [
            ("id", "<id>Nupub.Sample</id>"),
            ("version", "<version>1.0.0</version>"),
            ("authors", "<authors>Nupub Tests</authors>"),
            (
                "description",
                "<description>A package made by Nupub's tests.</description>",
            ),
            ("license", "<license type=\"expression\">MIT</license>"),
            (
                "licenseUrl",
                "<licenseUrl>https://licenses.nuget.org/MIT</licenseUrl>",
            ),
            ("readme", "<readme>README.md</readme>"),
            ("icon", "<icon>icon.png</icon>"),
            (
                "repository",
                "<repository type=\"git\" url=\"https://github.com/nupub/sample\" />",
            ),
        ];
        Builder {
            id: "Nupub.Sample".into(),
            meta: meta
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            metadata_attrs: String::new(),
            files: vec![
                ("README.md".into(), b"# Sample\n\nHello.\n".to_vec(), None),
                ("icon.png".into(), PNG.to_vec(), None),
                ("content/hello.txt".into(), b"hello\n".to_vec(), None),
            ],
            nuspec_name: None,
            nuspec_raw: None,
            file_name: "Nupub.Sample.1.0.0.nupkg".into(),
            zip64: false,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// Replaces (or adds) one metadata element.
    pub fn set(mut self, name: &str, xml: &str) -> Builder {
        match self.meta.iter_mut().find(|(k, _)| k == name) {
            Some(slot) => slot.1 = xml.to_string(),
            None => self.meta.push((name.to_string(), xml.to_string())),
        }
        self
    }
    /// Adds raw XML inside `<metadata>` (duplicates allowed).
    pub fn add(mut self, xml: &str) -> Builder {
        self.meta.push(("_raw".into(), xml.to_string()));
        self
    }
    pub fn remove(mut self, name: &str) -> Builder {
        self.meta.retain(|(k, _)| k != name);
        self
    }
    pub fn file(mut self, path: &str, bytes: &[u8]) -> Builder {
        self.files.retain(|(p, _, _)| p != path);
        self.files.push((path.to_string(), bytes.to_vec(), None));
        self
    }
    pub fn dated_file(mut self, path: &str, bytes: &[u8], time: zip::DateTime) -> Builder {
        self.files
            .push((path.to_string(), bytes.to_vec(), Some(time)));
        self
    }
    pub fn without_file(mut self, path: &str) -> Builder {
        self.files.retain(|(p, _, _)| p != path);
        self
    }
    pub fn nuspec(mut self, raw: &[u8]) -> Builder {
        self.nuspec_raw = Some(raw.to_vec());
        self
    }
    pub fn named(mut self, file_name: &str) -> Builder {
        self.file_name = file_name.to_string();
        self
    }

    pub fn nuspec_text(&self) -> String {
        let meta: Vec<&str> = self.meta.iter().map(|(_, v)| v.as_str()).collect();
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<package xmlns=\"http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd\">\n  <metadata{}>\n    {}\n  </metadata>\n</package>\n",
            self.metadata_attrs,
            meta.join("\n    ")
        )
    }

    /// Writes the package and returns its path.
    pub fn write(&self) -> PathBuf {
        let path = self.dir.path().join(&self.file_name);
        let file = std::fs::File::create(&path).unwrap();
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(self.zip64);
        let nuspec_name = self
            .nuspec_name
            .clone()
            .unwrap_or(format!("{}.nuspec", self.id));
        zip.start_file(nuspec_name, options).unwrap();
        match &self.nuspec_raw {
            Some(raw) => zip.write_all(raw).unwrap(),
            None => zip.write_all(self.nuspec_text().as_bytes()).unwrap(),
        }
        for (name, bytes, time) in &self.files {
            let mut o = options;
            if let Some(t) = time {
                o = o.last_modified_time(*t);
            }
            zip.start_file(name.as_str(), o).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
        path
    }

    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    pub fn check(&self) -> Report {
        self.check_for(RuleTarget::NugetOrg)
    }

    pub fn check_for(&self, target: RuleTarget) -> Report {
        validate_file(&self.write(), &Options::for_target(target))
    }
}

/// Asserts that the report has a finding with this code, severity and server text; returns it.
pub fn expect<'a>(
    report: &'a Report,
    code: &str,
    severity: Severity,
    server: Option<&str>,
) -> &'a Finding {
    let found = report
        .findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} finding in {:#?}", report.findings));
    assert_eq!(found.severity, severity, "{found:#?}");
    if let Some(server) = server {
        assert_eq!(found.server_message.as_deref(), Some(server), "{found:#?}");
    }
    assert!(
        !found.message.is_empty() && found.hint.is_some(),
        "{found:#?}"
    );
    found
}

/// Asserts that the report has no finding with this code.
pub fn absent(report: &Report, code: &str) {
    assert!(
        report.findings.iter().all(|f| f.code != code),
        "unexpected {code}: {:#?}",
        report.findings
    );
}

/// The codes of every error finding.
pub fn errors(report: &Report) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| format!("{}: {}", f.code, f.message))
        .collect()
}

#[test]
fn the_valid_base_has_no_error_and_no_warning() {
    let report = Builder::valid().check();
    let noisy: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .collect();
    assert!(noisy.is_empty(), "{noisy:#?}");
    assert_eq!(report.package.as_ref().unwrap().id, "Nupub.Sample");
}
