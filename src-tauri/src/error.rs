//! Errors the shell itself can raise (everything else comes from the core
//! crates with their own codes). Codes are `app.*`.

use nupub_error::Coded;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("Nupub stopped while working on {task}: {detail}")]
    TaskFailed { task: &'static str, detail: String },
    #[error("{url:?} is not a web address Nupub can open")]
    LinkInvalid { url: String },
    #[error("Nupub opens only https links, and {url} is not one")]
    LinkNotHttps { url: String },
    #[error("{url} is not a link Nupub opens: it is neither a nuget.org, Microsoft account or GitHub page nor a link of the open package")]
    LinkNotAllowed { url: String },
    #[error("the web browser could not be started for {url}: {detail}")]
    BrowserFailed { url: String, detail: String },
    #[error("Nupub's log could not be opened: {detail}")]
    LogUnavailable { detail: String },
}

impl Coded for AppError {
    fn code(&self) -> &'static str {
        match self {
            AppError::TaskFailed { .. } => "app.task_failed",
            AppError::LinkInvalid { .. } => "app.link_invalid",
            AppError::LinkNotHttps { .. } => "app.link_not_https",
            AppError::LinkNotAllowed { .. } => "app.link_not_allowed",
            AppError::BrowserFailed { .. } => "app.browser_failed",
            AppError::LogUnavailable { .. } => "app.log_unavailable",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(
            match self {
                AppError::TaskFailed { .. } => {
                    "try again; if it keeps happening, restart Nupub and report the steps that led here"
                }
                AppError::LinkInvalid { .. } | AppError::LinkNotHttps { .. } | AppError::LinkNotAllowed { .. } => {
                    "copy the address and open it in your browser yourself if you trust it"
                }
                AppError::BrowserFailed { .. } => {
                    "copy the address shown here into your browser; to have Nupub open pages, set a default web browser in your system settings or the BROWSER environment variable"
                }
                AppError::LogUnavailable { .. } => {
                    "the log is in Nupub's state folder (~/.local/state/nupub/logs on Linux); open it from there"
                }
            }
            .to_string(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_valid_and_every_error_has_a_hint() {
        let all = [
            AppError::TaskFailed {
                task: "x",
                detail: "y".into(),
            },
            AppError::LinkInvalid { url: "u".into() },
            AppError::LinkNotHttps {
                url: "http://a".into(),
            },
            AppError::LinkNotAllowed {
                url: "https://a".into(),
            },
            AppError::BrowserFailed {
                url: "https://a".into(),
                detail: "d".into(),
            },
            AppError::LogUnavailable { detail: "d".into() },
        ];
        for e in all {
            let info = e.info();
            assert!(nupub_error::is_valid_code(&info.code), "{}", info.code);
            assert!(info.code.starts_with("app."));
            assert!(info.hint.is_some_and(|h| !h.is_empty()));
        }
    }
}
