//! The Nupub window: a thin Tauri shell. Logic lives in the core crates
//! under `crates/`; this crate wires them to the front end in `ui/`.

pub mod account_commands;
pub mod commands;
pub mod diff_commands;
pub mod error;
pub mod launch;
pub mod links;
pub mod preview;
pub mod publish_commands;
pub mod state;

pub use launch::LaunchArgs;
pub use state::{Browser, OpenPackages};

/// True for the app's own pages; the webview may navigate nowhere else
/// (a link clicked in a readme must never replace the app).
pub fn is_app_url(url: &url::Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        "about" => url.path() == "blank",
        _ => false,
    }
}

/// Adds Nupub's plugins, state and commands to `builder`: the real one, or
/// Tauri's mock builder in tests. Links open in the system browser.
pub fn setup<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    launch: LaunchArgs,
) -> tauri::Builder<R> {
    setup_with_browser(builder, launch, Browser::system())
}

/// [`setup`] with the browser links are handed to (tests record them instead).
pub fn setup_with_browser<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    launch: LaunchArgs,
    browser: Browser,
) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .plugin(
            tauri::plugin::Builder::<R>::new("nupub-navigation")
                .on_navigation(|_, url| is_app_url(url))
                .build(),
        )
        .manage(launch)
        .manage(OpenPackages::default())
        .manage(browser)
        .manage(account_commands::SignInTask::default())
        .manage(publish_commands::PublishTask::default())
        .manage(diff_commands::DiffTask::default())
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::launch_package,
            commands::open_package,
            commands::verify_package,
            commands::preview_entry,
            commands::assembly_info,
            commands::open_link,
            commands::check_package,
            commands::package_health,
            account_commands::onboarding_state,
            account_commands::save_onboarding,
            account_commands::account_overview,
            account_commands::sign_in,
            account_commands::cancel_sign_in,
            account_commands::open_device_page,
            account_commands::switch_account,
            account_commands::sign_out,
            account_commands::save_feed_key,
            account_commands::remove_feed_key,
            account_commands::note_push_warnings,
            account_commands::scan_nuget_configs,
            publish_commands::list_feeds,
            publish_commands::publish,
            publish_commands::cancel_publish,
            publish_commands::preflight,
            publish_commands::unlist,
            diff_commands::package_changes,
            diff_commands::cancel_package_changes
        ])
}

/// Starts the app. Exits the process with an explanation when the window cannot be created.
pub fn run() {
    let launch = LaunchArgs::parse(std::env::args_os().skip(1));
    if let Err(error) = setup(tauri::Builder::default(), launch).run(tauri::generate_context!()) {
        eprintln!("Nupub could not start its window: {error}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_app_pages_are_navigable() {
        let ok = |s: &str| is_app_url(&url::Url::parse(s).unwrap());
        assert!(ok("tauri://localhost/"));
        assert!(ok("tauri://localhost/index.html#x"));
        assert!(ok("http://tauri.localhost/"));
        assert!(!ok("https://www.nuget.org/"));
        assert!(!ok("tauri://evil/"));
        assert!(!ok("file:///etc/passwd"));
        assert!(!ok("javascript:alert(1)"));
    }
}
