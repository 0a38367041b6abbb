//! `nupub api FILE`: the public API surface of an assembly, or of every
//! assembly in a package's lib/ and ref/ folders, as C#-like declarations (or
//! `--json`). The surface is the one `nupub diff` compares (nupub-package's
//! ECMA-335 reader); this command only prints it.

use crate::push::{exit_with, say, Failure};
use clap::Args;
use nupub_error::Coded;
use nupub_package::{ApiSurface, Package};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct ApiArgs {
    /// A .dll/.exe, or a .nupkg (every assembly under lib/ and ref/).
    pub file: PathBuf,
    /// Print the surface as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: ApiArgs) -> ExitCode {
    let json = args.json;
    exit_with(surfaces(&args).map(|all| present(&all, json)), json)
}

fn surfaces(args: &ApiArgs) -> Result<Vec<(String, ApiSurface)>, Failure> {
    let failed = |e: &dyn Coded| Failure::Error {
        info: e.info(),
        exists: false,
    };
    let name = args.file.display().to_string();
    let lower = name.to_ascii_lowercase();
    if !(lower.ends_with(".nupkg") || lower.ends_with(".snupkg")) {
        let surface = nupub_package::api_surface::read_file(&args.file).map_err(|e| failed(&e))?;
        return Ok(surface.map(|s| (name, s)).into_iter().collect());
    }
    let package = Package::open(&args.file).map_err(|e| failed(&e))?;
    let mut out = Vec::new();
    for entry in package.entries() {
        let path = entry.path.to_ascii_lowercase();
        let in_folder = path.starts_with("lib/") || path.starts_with("ref/");
        if entry.is_directory || !in_folder || !nupub_package::assembly::is_assembly_path(&path) {
            continue;
        }
        if let Some(surface) = package.api_surface(&entry.path).map_err(|e| failed(&e))? {
            out.push((entry.path.clone(), surface));
        }
    }
    Ok(out)
}

fn present(all: &[(String, ApiSurface)], json: bool) -> serde_json::Value {
    if !json {
        let mut text = String::new();
        for (file, surface) in all {
            text.push_str(&format!("// {file}\n"));
            for t in &surface.types {
                text.push_str(&t.declaration);
                text.push('\n');
                for m in &t.members {
                    text.push_str("    ");
                    text.push_str(&m.signature);
                    text.push('\n');
                }
            }
        }
        if all.is_empty() {
            text.push_str("No .NET assembly with a public surface was found.\n");
        }
        say(false, text.trim_end());
        // Printed already; the JSON form is built only when asked for.
        return serde_json::Value::Null;
    }
    serde_json::json!({
        "assemblies": all
            .iter()
            .map(|(file, surface)| serde_json::json!({ "file": file, "surface": surface }))
            .collect::<Vec<_>>()
    })
}
