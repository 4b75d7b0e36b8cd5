//! Resolving the `--workspace` of a command.

use churnwise_store::{Store, Workspace};

/// The workspace named `name`, or the only one when no name is given.
pub async fn resolve(store: &dyn Store, name: Option<&str>) -> anyhow::Result<Workspace> {
    match name {
        Some(name) => store
            .find_workspace(name)
            .await?
            .ok_or_else(|| anyhow::anyhow!("--workspace: there is no workspace named {name:?}")),
        None => {
            let mut all = store.list_workspaces().await?;
            match all.len() {
                0 => anyhow::bail!(
                    "there is no workspace yet: create one with `churnwise user add --email E --workspace NAME`"
                ),
                1 => Ok(all.remove(0)),
                _ => anyhow::bail!(
                    "--workspace: there are several workspaces ({}); name one",
                    all.iter().map(|w| w.name.as_str()).collect::<Vec<_>>().join(", ")
                ),
            }
        }
    }
}
