//! A real Secret Service: gnome-keyring on a private D-Bus session bus.
//!
//! The bus is started with `tests/peers/dbus-session.conf`, which has no
//! service directory, so nothing is ever auto-activated and nothing can wait
//! on an unlock prompt. The keyring is created unlocked with a throwaway
//! password in a fresh data folder.

use crate::paths::{peers_dir, require};
use crate::process::PeerProcess;
use std::path::PathBuf;
use std::process::Command;

/// Fields drop in order: the keyring stops before its bus.
pub struct SecretService {
    keyring: PeerProcess,
    bus: PeerProcess,
    bus_address: String,
    data: tempfile::TempDir,
}

impl SecretService {
    pub fn start() -> SecretService {
        let dbus_daemon = require(
            PathBuf::from("/usr/bin/dbus-daemon"),
            "dbus-daemon (Debian package dbus)",
        );
        let gnome_keyring = require(
            PathBuf::from("/usr/bin/gnome-keyring-daemon"),
            "gnome-keyring (Debian package gnome-keyring)",
        );
        let data = tempfile::tempdir().expect("keyring data folder");

        // The bus prints its address on stdout, which goes to the peer's log.
        let mut command = Command::new(dbus_daemon);
        command
            .arg(format!(
                "--config-file={}",
                peers_dir().join("dbus-session.conf").display()
            ))
            .args(["--nofork", "--nopidfile", "--print-address=1"]);
        let mut bus = PeerProcess::spawn("dbus-daemon", command);
        let bus_log = bus.log_path().to_path_buf();
        bus.wait_until(crate::process::PEER_START_LIMIT, || {
            address_in(&std::fs::read_to_string(&bus_log).unwrap_or_default()).is_some()
        });
        let bus_address = address_in(&bus.log()).expect("bus address was printed");

        // gnome-keyring reads the unlock password from stdin; --foreground keeps it in its process group.
        let mut command = Command::new(gnome_keyring);
        command
            .args(["--unlock", "--foreground", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &bus_address)
            .env("XDG_DATA_HOME", data.path())
            .env("XDG_RUNTIME_DIR", data.path())
            .env("HOME", data.path());
        let keyring = PeerProcess::spawn_with_input("gnome-keyring", command, b"nupub-tests");

        let mut service = SecretService {
            bus,
            keyring,
            bus_address,
            data,
        };
        service.wait_for_secrets_name();
        service
    }

    /// `DBUS_SESSION_BUS_ADDRESS` for programs that should use this Secret Service.
    pub fn bus_address(&self) -> &str {
        &self.bus_address
    }

    /// The environment a client process needs to reach this Secret Service.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("DBUS_SESSION_BUS_ADDRESS".into(), self.bus_address.clone()),
            (
                "XDG_DATA_HOME".into(),
                self.data.path().display().to_string(),
            ),
        ]
    }

    pub fn bus_process(&self) -> &PeerProcess {
        &self.bus
    }

    pub fn keyring_process(&self) -> &PeerProcess {
        &self.keyring
    }

    fn wait_for_secrets_name(&mut self) {
        let address = self.bus_address.clone();
        self.keyring
            .wait_until(crate::process::PEER_START_LIMIT, || {
                Command::new("dbus-send")
                    .args([
                        "--session",
                        "--print-reply",
                        "--dest=org.freedesktop.DBus",
                        "/org/freedesktop/DBus",
                        "org.freedesktop.DBus.NameHasOwner",
                        "string:org.freedesktop.secrets",
                    ])
                    .env("DBUS_SESSION_BUS_ADDRESS", &address)
                    .output()
                    .map(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
                    .unwrap_or(false)
            });
    }
}

fn address_in(log: &str) -> Option<String> {
    log.lines()
        .map(str::trim)
        .find(|l| l.starts_with("unix:"))
        .map(str::to_string)
}
