//! `nupub account login|status|logout`: Microsoft sign-in. Never prints a token.

use clap::{Args, Subcommand};
use nupub_accounts::{AccountError, AccountStatus, Accounts, Browser, SignInConfig, SignInOptions};
use nupub_error::Coded;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct AccountArgs {
    #[command(subcommand)]
    command: AccountCommand,
}

#[derive(Debug, Subcommand)]
enum AccountCommand {
    /// Sign in with your Microsoft account (in your browser, or with a code with --device).
    Login {
        /// Sign in with a code on another device (for sessions without a browser, e.g. over SSH).
        #[arg(long)]
        device: bool,
        /// common (default), consumers, organizations, a tenant id or domain.
        #[arg(long)]
        tenant: Option<String>,
        /// The Application (client) ID of your app registration (else NUPUB_CLIENT_ID, else the saved one).
        #[arg(long)]
        client_id: Option<String>,
    },
    /// Show the signed-in accounts, the active one, e-mail, two-step evidence and token expiry.
    Status {
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Sign out (the active account, or the one named by id, user name or e-mail).
    Logout { account: Option<String> },
}

fn fail(error: &AccountError) -> ExitCode {
    eprintln!("{}", error.info());
    ExitCode::FAILURE
}

fn runtime() -> Result<tokio::runtime::Runtime, AccountError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AccountError::Network {
            url: "(local)".into(),
            detail: e.to_string(),
        })
}

pub fn run(args: AccountArgs) -> ExitCode {
    // nupub-ci (issue 19): in CI nobody can finish a sign-in, so never wait for one.
    if matches!(args.command, AccountCommand::Login { .. }) {
        if let Some(refusal) = crate::ci::refuse_sign_in_in_ci() {
            eprintln!("{refusal}");
            return ExitCode::from(2);
        }
    }
    match run_inner(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn run_inner(args: AccountArgs) -> Result<(), AccountError> {
    match args.command {
        AccountCommand::Login {
            device,
            tenant,
            client_id,
        } => {
            let accounts = Accounts::system()?;
            let options = SignInOptions {
                client_id: client_id.clone(),
                tenant,
                ..SignInOptions::default()
            }
            .with_env();
            let config = SignInConfig::resolve(options, accounts.saved_client_id()?)?;
            let rt = runtime()?;
            let status = if device {
                rt.block_on(sign_in_device(&accounts, &config))?
            } else {
                eprintln!("Opening your browser to sign in...");
                match rt.block_on(accounts.sign_in_browser(&config, &Browser::System)) {
                    Err(AccountError::BrowserUnavailable { detail }) => {
                        eprintln!("No browser could be opened ({detail}); signing in with a code instead.");
                        rt.block_on(sign_in_device(&accounts, &config))?
                    }
                    other => other?,
                }
            };
            if client_id.is_some() {
                accounts.save_client_id(&config.client_id)?;
            }
            println!("Signed in as {}.", who(&status));
            print_account(&status);
            Ok(())
        }
        AccountCommand::Status { json } => {
            let accounts = Accounts::system()?;
            let status = accounts.status()?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&status).unwrap_or_default()
                );
            } else if status.accounts.is_empty() {
                println!("No account is signed in. Run `nupub account login` to sign in.");
            } else {
                for account in &status.accounts {
                    print_account(account);
                }
            }
            Ok(())
        }
        AccountCommand::Logout { account } => {
            let accounts = Accounts::system()?;
            let out = accounts.sign_out(account.as_deref())?;
            println!(
                "Signed out {}; its tokens were removed from the keyring.",
                who(&out)
            );
            Ok(())
        }
    }
}

async fn sign_in_device(
    accounts: &Accounts,
    config: &SignInConfig,
) -> Result<AccountStatus, AccountError> {
    accounts
        .sign_in_device(config, |prompt| {
            eprintln!(
                "To sign in, open {} on any device and enter the code {} (valid for {} minutes).",
                prompt.verification_uri,
                prompt.user_code,
                prompt.expires_in_seconds / 60
            );
            if let Some(complete) = &prompt.verification_uri_complete {
                eprintln!("Or open {complete}");
            }
            eprintln!("Waiting for you to finish...");
        })
        .await
}

fn who(status: &AccountStatus) -> String {
    status
        .username
        .clone()
        .or_else(|| status.email.clone())
        .unwrap_or_else(|| status.id.clone())
}

fn print_account(a: &AccountStatus) {
    let kind = match a.kind {
        nupub_accounts::AccountKind::Personal => "personal Microsoft account",
        nupub_accounts::AccountKind::WorkOrSchool => "work or school account",
        nupub_accounts::AccountKind::Unknown => "account",
    };
    println!("{} {} ({kind})", if a.active { "*" } else { " " }, who(a));
    if let Some(name) = &a.display_name {
        println!("    name:      {name}");
    }
    if let Some(email) = &a.email {
        println!("    e-mail:    {email}");
    }
    println!("    two-step:  {}", a.mfa.text);
    match (&a.access_token_expires_at, a.needs_sign_in) {
        (_, true) => println!("    sign-in:   expired; run `nupub account login` again"),
        (Some(at), false) => println!("    token:     valid until {at}"),
        (None, false) => {}
    }
}
