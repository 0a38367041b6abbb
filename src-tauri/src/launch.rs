//! What the app was started with.

use std::ffi::OsString;
use std::path::PathBuf;

/// Arguments given on the command line (or by the OS through a file association).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LaunchArgs {
    /// The package to open: the first argument that is not an option.
    pub package_path: Option<PathBuf>,
}

impl LaunchArgs {
    /// Reads the arguments after the program name. Options (`-x`, `--x`) are
    /// skipped, since platforms and test drivers may add their own; `--` ends them.
    pub fn parse<I: IntoIterator<Item = OsString>>(args: I) -> Self {
        let mut options_done = false;
        for arg in args {
            if !options_done {
                if arg == "--" {
                    options_done = true;
                    continue;
                }
                if arg.to_string_lossy().starts_with('-') {
                    continue;
                }
            }
            if arg.is_empty() {
                continue;
            }
            return Self {
                package_path: Some(PathBuf::from(arg)),
            };
        }
        Self::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> LaunchArgs {
        LaunchArgs::parse(args.iter().map(OsString::from))
    }

    #[test]
    fn first_plain_argument_is_the_package() {
        assert_eq!(
            parse(&["/tmp/a.nupkg", "/tmp/b.nupkg"]).package_path,
            Some(PathBuf::from("/tmp/a.nupkg"))
        );
    }

    #[test]
    fn options_are_skipped_until_double_dash() {
        assert_eq!(
            parse(&["--flag", "x.nupkg"]).package_path,
            Some(PathBuf::from("x.nupkg"))
        );
        assert_eq!(
            parse(&["--", "-odd-name.nupkg"]).package_path,
            Some(PathBuf::from("-odd-name.nupkg"))
        );
    }

    #[test]
    fn nothing_given() {
        assert_eq!(parse(&[]), LaunchArgs::default());
        assert_eq!(parse(&["", "--x"]), LaunchArgs::default());
    }
}
