//! Owners are users (issue 12): the owner names found on clients (typed, or
//! imported from a spreadsheet: "Carla Méndez") mapped to workspace members.
//!
//! The model: a client keeps its owner text as written; the user who owns
//! it is the member whose email or display name is that text (any case), or
//! the member the text is mapped to. A mapping names the text, so it holds
//! for the clients there are and for every later import that writes the same
//! name. The due list, the Due page, the digest and the client list's "my
//! clients" all ask [`OwnerNames`].

use crate::error::{AppError, AppResult};
use churnwise_domain::problem::FieldProblem;
use churnwise_store::{
    owner_key, Alert, AlertFilter, Client, ClientFilter, ClientRow, HealthFilter, Member,
    OwnerMapping, Page, Store, StoreResult, StoredHealth, User, UserId, WorkspaceId,
};
use serde::Serialize;
use std::collections::BTreeSet;
use unicode_normalization::UnicodeNormalization;

/// The owner texts that name one user (compared by [`owner_key`]): their
/// email, their display name and the names mapped to them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnerNames {
    keys: BTreeSet<String>,
}

impl OwnerNames {
    /// The names of `user`, with the `mappings` of their workspace.
    pub fn of(user: &User, mappings: &[OwnerMapping]) -> Self {
        let mut keys = BTreeSet::new();
        keys.insert(owner_key(&user.email));
        if let Some(name) = user.name.as_deref().filter(|n| !n.trim().is_empty()) {
            keys.insert(owner_key(name));
        }
        for m in mappings.iter().filter(|m| m.user == user.id) {
            keys.insert(owner_key(&m.name));
        }
        OwnerNames { keys }
    }

    /// Just this text (an owner filter that names no member).
    pub fn text(owner: &str) -> Self {
        OwnerNames {
            keys: [owner_key(owner)].into_iter().collect(),
        }
    }

    /// True when `owner` (a client's owner, an action's assignee) is one
    /// of these names.
    pub fn owns(&self, owner: Option<&str>) -> bool {
        owner
            .map(owner_key)
            .is_some_and(|k| !k.is_empty() && self.keys.contains(&k))
    }

    /// The names, trimmed and lower-case.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(String::as_str)
    }
}

/// The names of `user` in `ws`.
pub async fn names_of(store: &dyn Store, ws: WorkspaceId, user: &User) -> StoreResult<OwnerNames> {
    Ok(OwnerNames::of(user, &store.owner_mappings(ws).await?))
}

/// The names an owner filter means: when `owner` is a member's email or
/// display name, every name of that member; else the text itself.
pub async fn names_for_filter(
    store: &dyn Store,
    ws: WorkspaceId,
    owner: &str,
) -> StoreResult<OwnerNames> {
    let members = store.workspace_members(ws).await?;
    match members.iter().find(|m| m.user.owns(Some(owner))) {
        Some(m) => names_of(store, ws, &m.user).await,
        None => Ok(OwnerNames::text(owner)),
    }
}

/// The client list for `filter`; when its owner filter names a member (by
/// email or display name), every client that member owns, by any name that
/// means them ("my clients"), else the clients with exactly that owner.
pub async fn list_clients(
    store: &dyn Store,
    ws: WorkspaceId,
    filter: &ClientFilter,
) -> StoreResult<Page<Client>> {
    match member_spellings(store, ws, filter.owner.as_deref()).await? {
        None => store.list_clients(ws, filter).await,
        Some(spellings) => store.list_clients_owned_by(ws, filter, &spellings).await,
    }
}

/// When an owner filter names a member (by email or display name), every
/// spelling on the workspace's clients of the names that mean that member;
/// else `None` (the filter stays an exact one).
async fn member_spellings(
    store: &dyn Store,
    ws: WorkspaceId,
    owner: Option<&str>,
) -> StoreResult<Option<Vec<String>>> {
    let Some(owner) = owner else {
        return Ok(None);
    };
    let members = store.workspace_members(ws).await?;
    let Some(member) = members.iter().find(|m| m.user.owns(Some(owner))) else {
        return Ok(None);
    };
    let names = names_of(store, ws, &member.user).await?;
    Ok(Some(spellings_of(store, ws, &names).await?))
}

/// Every spelling on the workspace's clients of `names` (trimmed, as
/// [`churnwise_store::OwnerName::spellings`]), for filters the database
/// applies; empty when those names own no client.
pub async fn spellings_of(
    store: &dyn Store,
    ws: WorkspaceId,
    names: &OwnerNames,
) -> StoreResult<Vec<String>> {
    Ok(store
        .owner_names(ws)
        .await?
        .into_iter()
        .filter(|o| names.owns(Some(&o.name)))
        .flat_map(|o| o.spellings)
        .collect())
}

/// The stored health scores for `filter`, in its window, read by the
/// database; an owner filter naming a member keeps the clients they own by
/// any name (mapped ones too).
pub async fn list_health(
    store: &dyn Store,
    ws: WorkspaceId,
    filter: &HealthFilter,
) -> StoreResult<Vec<StoredHealth>> {
    match member_spellings(store, ws, filter.owner.as_deref()).await? {
        None => store.list_health(ws, filter).await,
        // A member who owns no client under any name.
        Some(spellings) if spellings.is_empty() => Ok(vec![]),
        Some(owner_spellings) => {
            let wider = HealthFilter {
                owner: None,
                owner_spellings,
                ..filter.clone()
            };
            store.list_health(ws, &wider).await
        }
    }
}

/// The alerts for `filter`, in its window, read by the database; an owner
/// filter naming a member keeps the clients they own by any name (mapped
/// ones too).
pub async fn list_alerts(
    store: &dyn Store,
    ws: WorkspaceId,
    filter: &AlertFilter,
) -> StoreResult<Vec<Alert>> {
    match member_spellings(store, ws, filter.owner.as_deref()).await? {
        None => store.list_alerts(ws, filter).await,
        Some(spellings) if spellings.is_empty() => Ok(vec![]),
        Some(owner_spellings) => {
            let wider = AlertFilter {
                owner: None,
                owner_spellings,
                ..filter.clone()
            };
            store.list_alerts(ws, &wider).await
        }
    }
}

/// The member who owns a client whose owner is `owner`: the one mapped to
/// the name, else the one whose email or display name it is.
pub async fn member_owning(
    store: &dyn Store,
    ws: WorkspaceId,
    owner: Option<&str>,
) -> StoreResult<Option<User>> {
    let Some(owner) = owner.filter(|o| !o.trim().is_empty()) else {
        return Ok(None);
    };
    let key = owner_key(owner);
    let members = store.workspace_members(ws).await?;
    let mapped = store
        .owner_mappings(ws)
        .await?
        .into_iter()
        .find(|m| owner_key(&m.name) == key)
        .map(|m| m.user);
    Ok(members
        .iter()
        .find(|m| Some(m.user.id) == mapped)
        .or_else(|| members.iter().find(|m| m.user.owns(Some(owner))))
        .map(|m| m.user.clone()))
}

/// One owner name in use, as Settings → Owners shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OwnerRow {
    /// The name as written on the clients.
    pub name: String,
    /// How many clients carry it.
    pub clients: i64,
    /// The member it is mapped to, if any.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub mapped_to: Option<UserId>,
    /// The member whose email or display name it is, if any (no mapping
    /// needed then).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub matches: Option<UserId>,
    /// The member whose name or email looks most like it, when no member
    /// matches and none is mapped.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub suggested: Option<UserId>,
}

/// The owner names of `ws` with their counts, mappings, matching members
/// and suggestions, by name; and the members to choose from.
pub async fn list(store: &dyn Store, ws: WorkspaceId) -> AppResult<(Vec<OwnerRow>, Vec<Member>)> {
    let members = store.workspace_members(ws).await?;
    let mappings = store.owner_mappings(ws).await?;
    let rows = store
        .owner_names(ws)
        .await?
        .into_iter()
        .map(|o| {
            let key = owner_key(&o.name);
            let mapped_to = mappings
                .iter()
                .find(|m| owner_key(&m.name) == key)
                .map(|m| m.user);
            let matches = members
                .iter()
                .find(|m| m.user.owns(Some(&o.name)))
                .map(|m| m.user.id);
            let suggested = if mapped_to.is_none() && matches.is_none() {
                suggest(&o.name, &members)
            } else {
                None
            };
            OwnerRow {
                name: o.name,
                clients: o.clients,
                mapped_to,
                matches,
                suggested,
            }
        })
        .collect();
    Ok((rows, members))
}

/// Maps the owner `name` to the member `user`, or removes its mapping
/// (`None`), and records it in the audit log as done by `actor`. The name
/// must not be blank (`name`) and the user must be a member of `ws`
/// (`user`).
pub async fn map(
    store: &dyn Store,
    ws: WorkspaceId,
    name: &str,
    user: Option<UserId>,
    actor: &crate::audit::Actor,
) -> AppResult<()> {
    let mut problems = Vec::new();
    let name = name.trim();
    if name.is_empty() {
        problems.push(FieldProblem::new("name", "must not be empty"));
    } else if name.chars().count() > 100 {
        problems.push(FieldProblem::new("name", "must be at most 100 characters"));
    }
    let members = store.workspace_members(ws).await?;
    let member = user.and_then(|u| members.iter().find(|m| m.user.id == u));
    if user.is_some() && member.is_none() {
        problems.push(FieldProblem::new(
            "user",
            "must be a member of this workspace",
        ));
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    store.map_owner(ws, name, user).await?;
    let detail = match member {
        Some(m) => format!("{name} → {}", m.user.email),
        None => format!("{name}: no mapping"),
    };
    crate::audit::record(
        store,
        ws,
        actor,
        crate::audit::Action::OwnerMapped,
        crate::audit::Subject::Workspace,
        &detail,
    )
    .await?;
    Ok(())
}

/// Letters and digits of `text`, lower-case, without accents, the rest as
/// single spaces: "Carla  Méndez" and "carla.mendez" both read
/// "carla mendez".
pub fn fold(text: &str) -> String {
    let plain: String = text
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How much `owner` looks like a member: the best Jaro-Winkler similarity
/// (0 to 1) of the folded owner name against the member's folded display
/// name and the local part of their email, each also with its words sorted
/// (so "Méndez, Carla" meets "Carla Méndez").
pub fn similarity(owner: &str, user: &User) -> f64 {
    let owner = fold(owner);
    if owner.is_empty() {
        return 0.0;
    }
    let local = user.email.split('@').next().unwrap_or_default();
    let mut candidates = vec![fold(local)];
    if let Some(name) = user.name.as_deref() {
        candidates.push(fold(name));
    }
    let sorted = |s: &str| {
        let mut words: Vec<&str> = s.split(' ').collect();
        words.sort_unstable();
        words.join(" ")
    };
    candidates
        .iter()
        .filter(|c| !c.is_empty())
        .flat_map(|c| {
            [
                strsim::jaro_winkler(&owner, c),
                strsim::jaro_winkler(&sorted(&owner), &sorted(c)),
            ]
        })
        .fold(0.0, f64::max)
}

/// Below this similarity no member is suggested.
pub const SUGGEST_AT_LEAST: f64 = 0.85;

/// The member most like `owner`, if one is like enough
/// ([`SUGGEST_AT_LEAST`]); the first of equals.
pub fn suggest(owner: &str, members: &[Member]) -> Option<UserId> {
    let mut best: Option<(f64, UserId)> = None;
    for m in members {
        let s = similarity(owner, &m.user);
        if s >= SUGGEST_AT_LEAST && best.is_none_or(|(b, _)| s > b) {
            best = Some((s, m.user.id));
        }
    }
    best.map(|(_, id)| id)
}

// --- dash ---

/// [`list_clients`] for the client list page: each client with its latest
/// health score and its MRR on `day`, from the same store query.
pub async fn list_client_rows(
    store: &dyn Store,
    ws: WorkspaceId,
    filter: &ClientFilter,
    day: chrono::NaiveDate,
) -> StoreResult<Page<ClientRow>> {
    let Some(owner) = filter.owner.as_deref() else {
        return store.list_client_rows(ws, filter, None, day).await;
    };
    let members = store.workspace_members(ws).await?;
    if !members.iter().any(|m| m.user.owns(Some(owner))) {
        return store.list_client_rows(ws, filter, None, day).await;
    }
    let names = names_for_filter(store, ws, owner).await?;
    let spellings: Vec<String> = store
        .owner_names(ws)
        .await?
        .into_iter()
        .filter(|o| names.owns(Some(&o.name)))
        .flat_map(|o| o.spellings)
        .collect();
    store
        .list_client_rows(ws, filter, Some(&spellings), day)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use churnwise_domain::registry::Role;

    fn user(id: i64, email: &str, name: Option<&str>) -> User {
        User {
            id: UserId(id),
            email: email.into(),
            name: name.map(Into::into),
            lang: None,
        }
    }

    fn member(u: User) -> Member {
        Member {
            user: u,
            role: Role::Member,
        }
    }

    #[test]
    fn folding_drops_accents_case_and_punctuation() {
        assert_eq!(fold("  Carla  Méndez "), "carla mendez");
        assert_eq!(fold("carla.mendez"), "carla mendez");
        assert_eq!(fold("ÑOÑO-Pérez"), "nono perez");
    }

    #[test]
    fn an_imported_name_suggests_the_member_by_email_or_display_name() {
        let members = vec![
            member(user(1, "ana@example.com", Some("Ana Ruiz"))),
            member(user(2, "carla.mendez@example.com", None)),
            member(user(3, "bruno@example.com", Some("Bruno Díaz"))),
        ];
        assert_eq!(suggest("Carla Méndez", &members), Some(UserId(2)));
        assert_eq!(suggest("bruno diaz", &members), Some(UserId(3)));
        assert_eq!(suggest("Díaz, Bruno", &members), Some(UserId(3)));
        assert_eq!(suggest("ANA RUIZ", &members), Some(UserId(1)));
        assert_eq!(suggest("Zacarías Gómez", &members), None);
        assert_eq!(suggest("", &members), None);
    }

    #[test]
    fn a_user_owns_their_email_name_and_mapped_names_only() {
        let carla = user(2, "carla@example.com", Some("Carla"));
        let mappings = vec![
            OwnerMapping {
                name: "Carla Méndez".into(),
                user: UserId(2),
            },
            OwnerMapping {
                name: "Bruno".into(),
                user: UserId(3),
            },
        ];
        let names = OwnerNames::of(&carla, &mappings);
        assert!(names.owns(Some(" CARLA MÉNDEZ ")));
        assert!(names.owns(Some("carla")));
        assert!(names.owns(Some("Carla@Example.com")));
        assert!(!names.owns(Some("Bruno")));
        assert!(!names.owns(Some("")));
        assert!(!names.owns(None));
        assert!(OwnerNames::text("Zoe").owns(Some("zoe")));
    }
}
