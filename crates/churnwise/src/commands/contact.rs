//! `churnwise contact list|edit|remove`: a client's contact persons,
//! changed through `churnwise_app::record_edits` like the pages and the API.

use super::Context;
use crate::output::{self, opt, Format, Tabular};
use churnwise_app::record_edits::{self, ContactChange};
use churnwise_store::{Contact, ContactId};
use clap::{Args, Subcommand};

/// A client's contact persons.
#[derive(Debug, Args)]
pub struct ContactArgs {
    #[command(subcommand)]
    command: ContactCommand,
    /// Workspace (default: the only one).
    #[arg(long, global = true)]
    workspace: Option<String>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Subcommand)]
enum ContactCommand {
    /// List a client's contacts, primary first.
    ///
    /// Example: churnwise contact list "Acme Ltd"
    List {
        /// Id, external id or name of the client.
        client: String,
    },
    /// Change the given fields of a contact ("" clears an optional one).
    ///
    /// Example: churnwise contact edit "Acme Ltd" 3 --email ana@acme.example --primary
    Edit {
        /// Id, external id or name of the client.
        client: String,
        /// Id of the contact (see `contact list`).
        id: i64,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// New role.
        #[arg(long)]
        role: Option<String>,
        /// New email.
        #[arg(long)]
        email: Option<String>,
        /// New phone.
        #[arg(long)]
        phone: Option<String>,
        /// Make this the primary contact.
        #[arg(long)]
        primary: bool,
    },
    /// Remove a contact.
    ///
    /// Example: churnwise contact remove "Acme Ltd" 3
    Remove {
        /// Id, external id or name of the client.
        client: String,
        /// Id of the contact.
        id: i64,
    },
}

impl Tabular for Contact {
    fn headers() -> Vec<&'static str> {
        vec![
            "id",
            "client_id",
            "name",
            "role",
            "email",
            "phone",
            "primary",
        ]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.client_id.to_string(),
            self.name.clone(),
            opt(&self.role),
            opt(&self.email),
            opt(&self.phone),
            if self.is_primary { "yes" } else { "" }.to_string(),
        ]
    }
}

fn clearable(value: Option<String>) -> Option<Option<String>> {
    value.map(|v| Some(v).filter(|v| !v.trim().is_empty()))
}

/// Runs `contact …`.
pub async fn run(ctx: &Context, args: ContactArgs) -> anyhow::Result<()> {
    let store = ctx.store().await?;
    let ws = crate::workspace::resolve(store.as_ref(), args.workspace.as_deref()).await?;
    let find = |reference: String| {
        let store = store.clone();
        let ws_name = ws.name.clone();
        async move {
            store
                .find_client(ws.id, &reference)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no client {reference:?} in workspace {ws_name:?}"))
        }
    };
    let flag = crate::errors::flag;
    let words = crate::errors::Words {
        flag_of: &flag,
        record: "contact of this client",
    };
    let actor = churnwise_app::audit::Actor::command_line();
    match args.command {
        ContactCommand::List { client } => {
            let client = find(client).await?;
            let rows = store.list_contacts(ws.id, client.id).await?;
            output::print(&rows, args.format)
        }
        ContactCommand::Edit {
            client,
            id,
            name,
            role,
            email,
            phone,
            primary,
        } => {
            let client = find(client).await?;
            let change = ContactChange {
                name,
                role: clearable(role),
                email: clearable(email),
                phone: clearable(phone),
                is_primary: primary.then_some(true),
            };
            let contact = record_edits::update_contact(
                store.as_ref(),
                ws.id,
                client.id,
                ContactId(id),
                change,
                &actor,
            )
            .await
            .map_err(|e| crate::errors::cli_error(e, &words))?;
            output::print_one(&contact, args.format)
        }
        ContactCommand::Remove { client, id } => {
            let client = find(client).await?;
            record_edits::remove_contact(store.as_ref(), ws.id, client.id, ContactId(id), &actor)
                .await
                .map_err(|e| crate::errors::cli_error(e, &words))?;
            println!("removed contact {id} of {}", client.name);
            Ok(())
        }
    }
}
