//! `churnwise token create`: API tokens for the JSON API.

use super::Context;
use churnwise_app::credentials as auth;
use churnwise_store::NewApiToken;
use clap::{Args, Subcommand};

/// Manage API tokens.
#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    command: TokenCommand,
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create an API token for a user and print it once; only its hash is
    /// stored. Send it as `Authorization: Bearer TOKEN`.
    ///
    /// Example: churnwise token create --email ana@example.com --name reporting
    Create {
        /// The user the token acts as.
        #[arg(long)]
        email: String,
        /// Workspace the token acts in (default: the user's only one).
        #[arg(long)]
        workspace: Option<String>,
        /// A label to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

/// Runs `token …`.
pub async fn run(ctx: &Context, args: TokenArgs) -> anyhow::Result<()> {
    match args.command {
        TokenCommand::Create {
            email,
            workspace,
            name,
        } => {
            let store = ctx.store().await?;
            let user = store
                .find_user_by_email(&email.trim().to_lowercase())
                .await?
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "--email: no user {email:?}; create it with `churnwise user add`"
                    )
                })?
                .user;
            let memberships = store.memberships(user.id).await?;
            let membership = match workspace.as_deref() {
                Some(name) => memberships
                    .iter()
                    .find(|m| m.workspace.name == name)
                    .ok_or_else(|| {
                        anyhow::anyhow!("--workspace: {email} is not a member of {name:?}")
                    })?,
                None if memberships.len() == 1 => &memberships[0],
                None => anyhow::bail!(
                    "--workspace: {email} belongs to {} workspaces; name one",
                    memberships.len()
                ),
            };
            let token = auth::new_token();
            let created = store
                .create_api_token(NewApiToken {
                    token_hash: auth::token_hash(&token),
                    user: user.id,
                    workspace: membership.workspace.id,
                    name: name.clone(),
                })
                .await?;
            // The token's name and holder only, never its value.
            churnwise_app::audit::record(
                store.as_ref(),
                membership.workspace.id,
                &churnwise_app::audit::Actor::command_line(),
                churnwise_app::audit::Action::TokenCreated,
                churnwise_app::audit::Subject::Token(created.id),
                &format!("{name} for {}", user.email),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{token}");
            Ok(())
        }
    }
}
