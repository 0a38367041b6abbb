//! The Nupub window: a thin Tauri shell. Logic lives in the core crates
//! under `crates/`; this crate wires them to the front end in `ui/`.

pub mod commands;
pub mod launch;

pub use launch::LaunchArgs;

/// Adds Nupub's plugins, state and commands to `builder`: the real one, or
/// Tauri's mock builder in tests.
pub fn setup<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    launch: LaunchArgs,
) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .manage(launch)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::launch_package
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
