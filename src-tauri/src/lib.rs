//! The Nupub window: a thin Tauri shell. Logic lives in the core crates
//! under `crates/`; this crate wires them to the front end in `ui/`.

pub mod account_commands;
pub mod ci_commands;
pub mod commands;
pub mod diff_commands;
pub mod error;
pub mod launch;
pub mod lifecycle_commands;
pub mod links;
pub mod log;
pub mod preview;
pub mod publish_commands;
pub mod set_commands;
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
        .manage(state::OpenTask::default())
        .manage(browser)
        .manage(account_commands::SignInTask::default())
        .manage(publish_commands::PublishTask::default())
        .manage(diff_commands::DiffTask::default())
        .manage(lifecycle_commands::LifecycleTask::default())
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            launch::launch_files,
            launch::plan_open,
            commands::open_package,
            commands::cancel_open,
            commands::verify_package,
            commands::preview_entry,
            commands::assembly_info,
            commands::open_link,
            log::open_log,
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
            account_commands::save_client_id,
            account_commands::confirm_two_step,
            account_commands::confirm_publish_email,
            account_commands::key_guidance,
            account_commands::save_feed_key,
            account_commands::remove_feed_key,
            account_commands::scan_nuget_configs,
            publish_commands::list_feeds,
            publish_commands::publish,
            publish_commands::cancel_publish,
            publish_commands::plan_publish,
            publish_commands::store_feed_key,
            publish_commands::set_listed,
            set_commands::plan_set,
            set_commands::publish_set,
            set_commands::cancel_set,
            lifecycle_commands::feed_versions,
            lifecycle_commands::choose_versions,
            lifecycle_commands::plan_listing_change,
            lifecycle_commands::run_listing_change,
            lifecycle_commands::cancel_lifecycle,
            lifecycle_commands::deprecate_versions,
            lifecycle_commands::fix_start,
            lifecycle_commands::fix_saved,
            lifecycle_commands::fix_run,
            ci_commands::ci_workflow_plan,
            ci_commands::ci_write_workflow,
            ci_commands::ci_diagnose,
            diff_commands::package_changes,
            diff_commands::cancel_package_changes
        ])
}

/// Starts the app, or hands its files to the window already open for this
/// data folder and exits. Exits with an explanation when the window cannot be created.
pub fn run() {
    let _log = log::init();
    let context = tauri::generate_context!();
    let instance = launch::instance_id(
        &context.config().identifier,
        nupub_feeds::data_dir().ok().as_deref(),
    );
    // First, so a second launch stops before anything else starts.
    let builder = tauri::Builder::default().plugin(
        tauri_plugin_single_instance::Builder::new()
            .dbus_id(instance)
            .callback(launch::second_launch)
            .build(),
    );
    if let Err(error) = setup(builder, LaunchArgs::from_env()).run(context) {
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
