//! `nupub key set|list|remove`: feed API keys in the OS keyring. A key is read
//! from stdin or a hidden prompt, never from the command line, and never printed.

use clap::{Args, Subcommand};
use nupub_accounts::keys::{check_key, check_metadata, guidance, KeyChange};
use nupub_accounts::{AccountError, KeyMetadata, KeyScope, Secret, Vault};
use nupub_error::Coded;
use std::io::{IsTerminal, Read};
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct KeyArgs {
    #[command(subcommand)]
    command: KeyCommand,
}

#[derive(Debug, Subcommand)]
enum KeyCommand {
    /// Store a feed's API key (read from stdin, or asked for without echo).
    Set {
        /// The feed's name, e.g. nuget.org.
        #[arg(long)]
        source: String,
        /// The key's expiry date, YYYY-MM-DD (as shown on the feed's website).
        #[arg(long)]
        expires: Option<String>,
        /// A name for the key.
        #[arg(long)]
        label: Option<String>,
        /// The key's scopes: push, pushVersion, unlist (repeatable).
        #[arg(long = "scope")]
        scopes: Vec<String>,
        /// The package glob the key is limited to, e.g. Contoso.*
        #[arg(long)]
        glob: Option<String>,
        /// Your user (or organisation) name on this feed, e.g. your nuget.org
        /// profile name: `nupub validate --source` uses it to tell whether you
        /// own an id or a reserved prefix.
        #[arg(long, value_name = "NAME")]
        owner: Option<String>,
    },
    /// List the stored keys (masked).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove a feed's key from the keyring.
    Remove {
        #[arg(long)]
        source: String,
    },
}

pub fn run(args: KeyArgs) -> ExitCode {
    match run_inner(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn say_guidance(source: &str, change: KeyChange) {
    let advice = guidance(source, change);
    println!("{}", advice.text);
    if let Some(url) = advice.url {
        println!("  {url}");
    }
}

fn read_key(source: &str) -> Result<Secret, AccountError> {
    let stdin = std::io::stdin();
    let value = if stdin.is_terminal() {
        rpassword::prompt_password(format!("API key for {source} (not shown): "))
            .map_err(|_| AccountError::EmptySecret)?
    } else {
        // Room for everything read up front: growing would leave copies behind.
        let mut text = String::with_capacity(64 * 1024 + 1);
        stdin
            .lock()
            .take(64 * 1024)
            .read_to_string(&mut text)
            .map_err(|_| AccountError::EmptySecret)?;
        text
    };
    let key = Secret::new(value);
    if key.is_empty() || key.expose().contains(['\n', '\r', '\0']) {
        return Err(AccountError::EmptySecret);
    }
    Ok(key)
}

fn run_inner(args: KeyArgs) -> Result<(), nupub_error::ErrorInfo> {
    let info = |e: AccountError| e.info();
    match args.command {
        KeyCommand::Set {
            source,
            expires,
            label,
            scopes,
            glob,
            owner,
        } => {
            let scopes = scopes
                .iter()
                .map(|s| {
                    KeyScope::parse(s)
                        .ok_or_else(|| AccountError::BadScope(s.chars().take(50).collect()))
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(info)?;
            let mut metadata = KeyMetadata {
                label,
                scopes,
                glob,
                expires,
                owner,
            };
            let today = nupub_accounts::keys::today_utc();
            check_metadata(&source, &mut metadata, today).map_err(|e| e.info())?;
            let vault = Vault::system().map_err(info)?;
            let key = read_key(&source).map_err(info)?;
            check_key(&source, &key).map_err(|e| e.info())?;
            let key = Secret::new(key.expose().trim());
            let replaced = vault.feed_key(&source).map_err(info)?.is_some();
            let owner = metadata.owner.clone();
            vault.set_feed_key(&source, key, metadata).map_err(info)?;
            println!("Stored the API key for {source} in the keyring.");
            if let Some(owner) = owner {
                println!("Your user name on {source}: {owner}.");
            }
            if replaced {
                say_guidance(&source, KeyChange::Replaced);
            }
            Ok(())
        }
        KeyCommand::List { json } => {
            let keys = Vault::system().and_then(|v| v.feed_keys()).map_err(info)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&keys).unwrap_or_default()
                );
            } else if keys.is_empty() {
                println!("No API keys are stored. Add one with `nupub key set --source NAME`.");
            } else {
                for k in keys {
                    let expiry = match (k.expires.as_deref(), k.expires_in_days) {
                        (Some(date), Some(days)) if days < 0 => format!("expired on {date}"),
                        (Some(date), Some(days)) => format!("expires {date} (in {days} days)"),
                        _ => "no expiry date given".into(),
                    };
                    let scopes: Vec<&str> = k.scopes.iter().map(|s| s.as_str()).collect();
                    println!(
                        "{}  {}  {}{}{}{}{}",
                        k.source,
                        k.masked,
                        expiry,
                        k.label.map(|l| format!(", label: {l}")).unwrap_or_default(),
                        k.owner
                            .map(|o| format!(", you are: {o}"))
                            .unwrap_or_default(),
                        if scopes.is_empty() {
                            String::new()
                        } else {
                            format!(", scopes: {}", scopes.join(" "))
                        },
                        if k.in_store {
                            ""
                        } else {
                            "  (missing from the keyring: set it again)"
                        }
                    );
                }
            }
            Ok(())
        }
        KeyCommand::Remove { source } => {
            Vault::system()
                .and_then(|v| v.remove_feed_key(&source))
                .map_err(info)?;
            println!("Removed the API key for {source}.");
            say_guidance(&source, KeyChange::Removed);
            Ok(())
        }
    }
}
