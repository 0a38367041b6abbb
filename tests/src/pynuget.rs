//! pynuget 0.2.5, a real NuGet V2 server, and a static V3 service index in front of it.
//!
//! No runnable NuGet V3 server exists as an npm, PyPI or crates.io package
//! (BaGet, NuGet.Server and Sleet are .NET applications), so the V3 peer is a
//! static `index.json` served by Python's http.server whose PackagePublish
//! resource points at pynuget: the service index is real JSON on a real
//! server, and everything behind it is pynuget.

use crate::paths::{peers_dir, require, tools_dir};
use crate::process::{free_port, PeerProcess};
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct PyNuGet {
    process: PeerProcess,
    port: u16,
    data: tempfile::TempDir,
    api_key: String,
}

impl PyNuGet {
    /// Starts pynuget on a free port with one valid API key.
    pub fn start(api_key: &str) -> PyNuGet {
        let python = require(
            tools_dir().join("pynuget-venv/bin/python"),
            "pynuget's virtual environment",
        );
        let data = tempfile::tempdir().expect("pynuget data folder");
        let port = free_port();
        let mut command = Command::new(python);
        command
            .arg(peers_dir().join("pynuget_serve.py"))
            .arg(port.to_string())
            .arg(data.path())
            .arg(api_key);
        let mut process = PeerProcess::spawn("pynuget", command);
        process.wait_for_port(port, crate::process::PEER_START_LIMIT);
        PyNuGet {
            process,
            port,
            data,
            api_key: api_key.to_string(),
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The port pynuget listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The V2 push URL, as users give it to NuGet.exe.
    pub fn push_url(&self) -> String {
        format!("{}/api/v2/package", self.base_url())
    }

    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// The folder pynuget stores packages in (`<Id>/<version>.nupkg` below it).
    pub fn packages_dir(&self) -> PathBuf {
        self.data.path().join("nuget_packages")
    }

    /// The stored file for an id and version as sent, if pynuget holds it.
    pub fn stored_package(&self, id: &str, version: &str) -> Option<PathBuf> {
        let path = self
            .packages_dir()
            .join(id)
            .join(format!("{version}.nupkg"));
        path.is_file().then_some(path)
    }

    pub fn process(&self) -> &PeerProcess {
        &self.process
    }

    /// pynuget's own log file.
    pub fn server_log(&self) -> String {
        std::fs::read_to_string(self.data.path().join("pynuget.log")).unwrap_or_default()
            + &self.process.log()
    }
}

/// A static V3 service index (`/v3/index.json`) served by Python's http.server.
pub struct StaticV3Index {
    process: PeerProcess,
    port: u16,
    _root: tempfile::TempDir,
}

impl StaticV3Index {
    /// Serves an index whose resources are the given `(@type, @id)` pairs.
    pub fn start(resources: &[(&str, &str)]) -> StaticV3Index {
        let root = tempfile::tempdir().expect("V3 index folder");
        write_v3_index(root.path(), resources);
        let port = free_port();
        let process = serve_folder("v3-index", root.path(), port);
        StaticV3Index {
            process,
            port,
            _root: root,
        }
    }

    /// An index with only PackagePublish/2.0.0 pointing at `pynuget`.
    pub fn in_front_of(pynuget: &PyNuGet) -> StaticV3Index {
        Self::start(&[("PackagePublish/2.0.0", &pynuget.push_url())])
    }

    /// An index with PackagePublish/2.0.0 at `pynuget` and
    /// SearchQueryService/3.0.0-beta at `search`.
    pub fn with_search(pynuget: &PyNuGet, search: &crate::search::FakeSearch) -> StaticV3Index {
        Self::start(&[
            ("PackagePublish/2.0.0", &pynuget.push_url()),
            ("SearchQueryService/3.0.0-beta", &search.url()),
        ])
    }

    pub fn index_url(&self) -> String {
        format!("http://127.0.0.1:{}/v3/index.json", self.port)
    }

    pub fn process(&self) -> &PeerProcess {
        &self.process
    }
}

/// Writes `dir/v3/index.json`, a V3 service index whose resources are the
/// given `(@type, @id)` pairs, for [`serve_folder`] to serve.
pub fn write_v3_index(dir: &Path, resources: &[(&str, &str)]) {
    let resources: Vec<serde_json::Value> = resources
        .iter()
        .map(|(kind, id)| serde_json::json!({ "@id": id, "@type": kind }))
        .collect();
    let index = serde_json::json!({ "version": "3.0.0", "resources": resources });
    std::fs::create_dir_all(dir.join("v3")).expect("create v3 folder");
    std::fs::write(
        dir.join("v3/index.json"),
        serde_json::to_vec_pretty(&index).expect("serialize index"),
    )
    .expect("write index.json");
}

/// Python's http.server serving the files of `dir` on 127.0.0.1:`port`
/// (a static V3 index, a static flat container), started and answering.
/// `name` labels the process in failure messages.
pub fn serve_folder(name: &str, dir: &Path, port: u16) -> PeerProcess {
    let mut command = Command::new("python3");
    command
        .args([
            "-m",
            "http.server",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--directory",
        ])
        .arg(dir);
    let mut process = PeerProcess::spawn(name, command);
    process.wait_for_port(port, crate::process::PEER_START_LIMIT);
    process
}

/// The bytes of a file, for byte-identity checks.
pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}
