//! Credentials for a source: `packageSourceCredentials` in the files, or the
//! `NuGetPackageSourceCredentials_{name}` environment variable.

use super::*;
use crate::secret::Credentials;

pub(super) fn credentials_for(
    name: &str,
    files: &[ParsedFile],
    env: &dyn Fn(&str) -> Option<String>,
    warnings: &mut Vec<String>,
) -> Option<Credentials> {
    if let Some(value) = env(&format!("NuGetPackageSourceCredentials_{name}")) {
        if let Some(creds) = parse_env_credentials(&value) {
            return Some(creds);
        }
        // Malformed values are ignored, as NuGet does.
    }
    for file in files {
        let Some((_, items)) = file
            .credentials
            .iter()
            .rev()
            .find(|(source, _)| source.eq_ignore_ascii_case(name))
        else {
            continue;
        };
        let get = |key: &str| {
            items
                .iter()
                .rev()
                .find(|i| i.key.eq_ignore_ascii_case(key))
                .map(|i| i.value.clone())
        };
        let username = get("Username").unwrap_or_default();
        if let Some(password) = get("ClearTextPassword") {
            return Some(Credentials::new(username, password));
        }
        if get("Password").is_some() {
            warnings.push(format!(
                "the password for '{name}' in {} is encrypted with Windows DPAPI and cannot be read on this computer; use ClearTextPassword or an API key",
                file.path.display()
            ));
        }
        return None;
    }
    None
}

/// `Username=…;Password=…[;ValidAuthenticationTypes=…]`; anything else is `None`.
pub(super) fn parse_env_credentials(value: &str) -> Option<Credentials> {
    let mut username = None;
    let mut password = None;
    for part in value.split(';').filter(|p| !p.trim().is_empty()) {
        let (key, val) = part.split_once('=')?;
        match key.trim().to_ascii_lowercase().as_str() {
            "username" => username = Some(val.to_string()),
            "password" => password = Some(val.to_string()),
            "validauthenticationtypes" => {}
            _ => return None,
        }
    }
    Some(Credentials::new(username?, password?))
}
