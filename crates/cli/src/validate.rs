//! `nupub validate FILE [--target T] [--json]`: what the feed would say, before anything is sent.

use clap::Args;
use nupub_error::Coded;
use nupub_rules::{Options, Report, Severity, Target};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The package file (.nupkg or .snupkg).
    pub file: PathBuf,
    /// Where the package goes: nuget.org (default), myget, github, azure, generic or local.
    #[arg(long, default_value = "nuget.org", value_parser = parse_target)]
    pub target: Target,
    /// For --target github: the repository you publish to (OWNER/NAME).
    #[arg(long)]
    pub repository: Option<String>,
    /// Print `{"package": {"id", "version"} or null, "findings": [...]}` instead of text.
    #[arg(long)]
    pub json: bool,
}

fn parse_target(text: &str) -> Result<Target, String> {
    Target::parse(text).map_err(|e| {
        let info = e.info();
        format!("{} ({})", info.message, info.hint.unwrap_or_default())
    })
}

/// Exit codes: 0 no error finding, 1 at least one error finding (an unreadable
/// package included), 2 usage errors (clap's own, or a file that does not exist).
pub fn run(args: ValidateArgs) -> ExitCode {
    if !args.file.exists() {
        eprintln!(
            "nupub: {} does not exist [validate.no_such_file]\n  fix: check the path, or pick the file again",
            args.file.display()
        );
        return ExitCode::from(2);
    }
    let mut options = Options::for_target(args.target);
    options.github_repository = args.repository.clone();
    let report = nupub_rules::validate_file(&args.file, &options);
    if args.json {
        let json = serde_json::json!({
            "package": report.package,
            "target": report.target,
            "findings": report.findings,
        });
        match serde_json::to_string_pretty(&json) {
            Ok(text) => emit(&format!("{text}\n")),
            Err(e) => {
                eprintln!("nupub: could not write the JSON: {e}");
                return ExitCode::from(1);
            }
        }
    } else {
        emit(&human(&args.file, &report));
    }
    if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn emit(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// Grouped like `twine check`: a verdict line, then each finding with its fix.
pub fn human(file: &std::path::Path, report: &Report) -> String {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let verdict = if report.has_errors() {
        "FAILED"
    } else if report.count(Severity::Warning) > 0 {
        "PASSED with warnings"
    } else {
        "PASSED"
    };
    let mut out = format!(
        "Checking {name} for {}: {verdict}\n",
        report.target.as_str()
    );
    if let Some(p) = &report.package {
        out.push_str(&format!("  {} {}\n", p.id, p.version));
    }
    for (severity, heading) in [
        (Severity::Error, "Errors"),
        (Severity::Warning, "Warnings"),
        (Severity::Info, "Notes"),
    ] {
        let group: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .collect();
        if group.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{heading} ({}):\n", group.len()));
        for f in group {
            out.push_str(&format!("  - {} [{}]\n", f.message, f.code));
            if let Some(hint) = &f.hint {
                out.push_str(&format!("    fix: {hint}\n"));
            }
            if let Some(server) = &f.server_message {
                out.push_str(&format!("    nuget.org says: {server}\n"));
            }
        }
    }
    out.push_str(&format!(
        "\n{} error(s), {} warning(s), {} note(s)\n",
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_output_has_verdict_fix_and_server_text() {
        let path = nupub_testkit::fixture("ILMerge.3.0.41.nupkg");
        let report = nupub_rules::validate_file(&path, &Options::for_target(Target::NugetOrg));
        let text = human(&path, &report);
        assert!(
            text.starts_with("Checking ILMerge.3.0.41.nupkg for nuget.org: FAILED\n"),
            "{text}"
        );
        assert!(
            text.contains("[sign.countersignatures]")
                && text.contains("fix: ")
                && text.contains("nuget.org says: "),
            "{text}"
        );
        let report = nupub_rules::validate_file(&path, &Options::for_target(Target::Local));
        assert!(
            human(&path, &report).starts_with("Checking ILMerge.3.0.41.nupkg for local: PASSED\n")
        );
    }
}
