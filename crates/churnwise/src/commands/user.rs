//! `churnwise user add`: accounts and their role in a workspace.

use super::Context;
use crate::settings::{smtp_settings, SmtpArgs};
use churnwise_app::credentials as auth;
use churnwise_app::digest::SmtpMailer;
use churnwise_app::members::{self, Inviter, OperatorPath};
use churnwise_app::AppError;
use churnwise_domain::registry::{Email, Role};
use clap::{Args, Subcommand};
use std::io::BufRead;

/// Manage user accounts.
#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Give someone a role in a workspace, as the operator.
    ///
    /// A workspace with no member yet (a new install, a new workspace): the
    /// account is created (the password is asked on the terminal, or read
    /// from the first line of standard input with --password-stdin, and
    /// stored as an argon2 hash) or, when the email has an account, that
    /// account joins with its own password. An email already a member: its
    /// role is set (the last owner stays one). A workspace that already has
    /// members: an invitation is made, exactly like Settings → Users and
    /// roles, and its link printed (and emailed when SMTP is set up and
    /// --base-url given); the person joins once they accept. An existing
    /// password is never changed unless --reset-password is given.
    ///
    /// Example: churnwise user add --email ana@example.com --workspace "Acme Agency" --role owner --name ana --lang es
    Add {
        /// Sign-in email.
        #[arg(long)]
        email: String,
        /// Workspace name.
        #[arg(long)]
        workspace: String,
        /// Role in the workspace: owner, manager, member or viewer.
        #[arg(long, default_value = "owner")]
        role: String,
        /// Read the password from standard input instead of asking.
        #[arg(long)]
        password_stdin: bool,
        /// Set a new password for an existing account that is (or becomes)
        /// a member of the workspace.
        #[arg(long)]
        reset_password: bool,
        /// Display name: clients whose owner is this name are the user's
        /// (due list, digest).
        #[arg(long)]
        name: Option<String>,
        /// Language of pages and digests: en or es (default: the browser's).
        #[arg(long)]
        lang: Option<String>,
        /// The server's address (https://churn.example.com), to print and
        /// email an invitation's full link.
        #[arg(long, env = "CHURNWISE_PUBLIC_URL")]
        base_url: Option<String>,
        #[command(flatten)]
        smtp: SmtpArgs,
    },
}

fn read_password(password_stdin: bool) -> anyhow::Result<String> {
    let password = if password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\n', '\r']).to_string()
    } else {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Password again: ")?;
        anyhow::ensure!(first == again, "the two passwords differ");
        first
    };
    auth::check_password_strength(&password).map_err(|e| anyhow::anyhow!("password: {e}"))?;
    auth::hash_password(&password)
}

fn cli_error(e: AppError) -> anyhow::Error {
    crate::errors::cli_error(
        e,
        &crate::errors::Words {
            flag_of: &crate::errors::flag,
            record: "member",
        },
    )
}

/// Runs `user …`.
pub async fn run(ctx: &Context, args: UserArgs) -> anyhow::Result<()> {
    match args.command {
        UserCommand::Add {
            email,
            workspace,
            role,
            password_stdin,
            reset_password,
            name,
            lang,
            base_url,
            smtp,
        } => {
            let name = match name {
                None => None,
                Some(n) => Some(
                    churnwise_domain::registry::optional_text("name", Some(&n), 100)
                        .map_err(|e| anyhow::anyhow!("--name: {}", e.message))?,
                ),
            };
            let lang = match lang.as_deref() {
                None => None,
                Some(code) => Some(Some(
                    churnwise_app::i18n::parse_code(code.trim())
                        .ok_or_else(|| anyhow::anyhow!("--lang: must be en or es"))?,
                )),
            };
            let email =
                Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {}", e.message))?;
            let role: Role = role.parse().map_err(|e| anyhow::anyhow!("--role: {e}"))?;
            let workspace = workspace.trim();
            anyhow::ensure!(!workspace.is_empty(), "--workspace: is required");
            let store = ctx.store().await?;
            let path = members::operator_path(store.as_ref(), workspace, &email)
                .await
                .map_err(cli_error)?;
            if path == OperatorPath::Invitation {
                anyhow::ensure!(
                    !reset_password,
                    "--reset-password: {email} is not a member of {workspace:?}; invite them without it (they keep or choose their own password)"
                );
                let ws = store
                    .find_workspace(workspace)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("--workspace: no such workspace"))?;
                let invited = members::invite(
                    store.as_ref(),
                    Inviter::Operator(ws.id),
                    email.as_str(),
                    role.as_str(),
                    chrono::Utc::now(),
                )
                .await
                .map_err(cli_error)?;
                let link = match &base_url {
                    Some(base) => format!("{}{}", base.trim_end_matches('/'), invited.path()),
                    None => invited.path(),
                };
                let mut emailed = "";
                if let (Some(settings), Some(_)) = (smtp_settings(&smtp, &ctx.file)?, &base_url) {
                    let mailer = SmtpMailer::new(&settings)?;
                    let lang = lang.flatten().unwrap_or_default();
                    match members::send_invitation(&mailer, &invited, &link, None, lang).await {
                        Ok(()) => emailed = " (also emailed)",
                        Err(reason) => eprintln!("the invitation email was not sent: {reason}"),
                    }
                }
                println!(
                    "{} is invited to workspace {:?} as {}; they join once they accept.\nInvitation link{emailed}, valid until {} (shown only now): {link}",
                    invited.invitation.email,
                    ws.name,
                    role,
                    invited.invitation.expires_at.format("%Y-%m-%d %H:%M UTC"),
                );
                return Ok(());
            }
            let new_account = path
                == (OperatorPath::FirstMember {
                    account_exists: false,
                });
            let hash = if new_account || reset_password {
                Some(read_password(password_stdin)?)
            } else {
                None
            };
            let mut user = members::operator_attach(store.as_ref(), workspace, &email, role, hash)
                .await
                .map_err(cli_error)?;
            if name.is_some() || lang.is_some() {
                user = store.update_user_profile(user.id, name, lang).await?;
            }
            let kept = if new_account || reset_password {
                ""
            } else {
                " (the existing account keeps its password)"
            };
            println!(
                "{} is {} of workspace {:?}{kept}",
                user.email, role, workspace
            );
            Ok(())
        }
    }
}
