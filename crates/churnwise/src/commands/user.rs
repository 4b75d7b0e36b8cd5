//! `churnwise user add`: accounts and their role in a workspace.

use super::Context;
use churnwise_app::credentials as auth;
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
    /// Create an account (or reset its password) and give it a role in a
    /// workspace, creating the workspace if needed.
    ///
    /// The password is asked on the terminal, or read from the first line of
    /// standard input with --password-stdin. It is stored as an argon2 hash.
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
        /// Display name: clients whose owner is this name are the user's
        /// (due list, digest).
        #[arg(long)]
        name: Option<String>,
        /// Language of pages and digests: en or es (default: the browser's).
        #[arg(long)]
        lang: Option<String>,
    },
}

/// Runs `user …`.
pub async fn run(ctx: &Context, args: UserArgs) -> anyhow::Result<()> {
    match args.command {
        UserCommand::Add {
            email,
            workspace,
            role,
            password_stdin,
            name,
            lang,
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
            auth::check_password_strength(&password)
                .map_err(|e| anyhow::anyhow!("password: {e}"))?;
            let hash = auth::hash_password(&password)?;
            let store = ctx.store().await?;
            let ws = store.ensure_workspace(workspace).await?;
            let mut user = store.upsert_user(email.as_str(), &hash).await?;
            if name.is_some() || lang.is_some() {
                user = store.update_user_profile(user.id, name, lang).await?;
            }
            store.set_membership(user.id, ws.id, role).await?;
            churnwise_app::audit::record(
                store.as_ref(),
                ws.id,
                &churnwise_app::audit::Actor::command_line(),
                churnwise_app::audit::Action::MemberAdded,
                churnwise_app::audit::Subject::Member(user.id),
                &format!("{} as {role}", user.email),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{} is {} of workspace {:?}", user.email, role, ws.name);
            Ok(())
        }
    }
}
