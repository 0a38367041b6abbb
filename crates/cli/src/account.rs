//! `nupub account login|status|logout`: Microsoft sign-in. Never prints a token.

use clap::{Args, Subcommand};
use nupub_accounts::keys::KeyChange;
use nupub_accounts::{
    AccountError, AccountStatus, Accounts, Browser, SignInConfig, SignInOptions, SignInPrompt,
};
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
        /// Let Microsoft show its account picker (sign in with another account).
        #[arg(long, conflicts_with = "fresh")]
        another_account: bool,
        /// Ask for your credentials again instead of reusing the browser's session
        /// (for example after turning on two-step verification).
        #[arg(long)]
        fresh: bool,
    },
    /// Say yourself that two-step verification is on for an account (Microsoft
    /// does not tell apps); shown as "as you said", never as verified.
    TwoStep {
        /// The account (id, user name or e-mail); the active one by default.
        #[arg(long)]
        account: Option<String>,
        /// Withdraw what you said.
        #[arg(long)]
        off: bool,
    },
    /// Say that nuget.org e-mails you on every publish from an account.
    PublishEmail {
        #[arg(long)]
        account: Option<String>,
        #[arg(long)]
        off: bool,
    },
    /// Show the signed-in accounts, the active one, e-mail, two-step evidence and token expiry.
    Status {
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Sign out (the active account, or the one named by id, user name or e-mail).
    /// The stored publish keys stay unless --remove-keys is given.
    Logout {
        account: Option<String>,
        /// Also remove every stored feed API key from the keyring.
        #[arg(long)]
        remove_keys: bool,
    },
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
            another_account,
            fresh,
        } => {
            let accounts = Accounts::system()?;
            let prompt = if another_account {
                SignInPrompt::SelectAccount
            } else if fresh {
                SignInPrompt::Login
            } else {
                SignInPrompt::Default
            };
            let options = SignInOptions {
                client_id: client_id.clone(),
                tenant,
                prompt,
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
        AccountCommand::TwoStep { account, off } => {
            let status = Accounts::system()?.confirm_two_step(account.as_deref(), !off)?;
            println!(
                "{}: two-step verification {}.",
                who(&status),
                status.mfa.text
            );
            Ok(())
        }
        AccountCommand::PublishEmail { account, off } => {
            let status = Accounts::system()?.confirm_publish_email(account.as_deref(), !off)?;
            println!(
                "{}: e-mail on every publish {}.",
                who(&status),
                if status.publish_email_confirmed {
                    "ticked"
                } else {
                    "not ticked"
                }
            );
            Ok(())
        }
        AccountCommand::Logout {
            account,
            remove_keys,
        } => {
            let accounts = Accounts::system()?;
            let out = accounts.sign_out_with(account.as_deref(), remove_keys)?;
            println!(
                "Signed out {}; its tokens were removed from the keyring.",
                who(&out.account)
            );
            for source in &out.removed_keys {
                println!("Removed the API key for {source}.");
            }
            if let (Some(change), Some(advice)) = (out.change, out.guidance()) {
                println!("{}", advice.text);
                if let Some(url) = advice.url {
                    println!("  {url}");
                }
                if change == KeyChange::SignedOutKeysKept {
                    println!("  (to remove them now: nupub account logout --remove-keys, or nupub key remove --source NAME)");
                }
            }
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
