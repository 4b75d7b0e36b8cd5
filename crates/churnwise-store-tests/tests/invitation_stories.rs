//! Invitations in the store (issue 11): stored by token hash, one per email
//! and workspace, accepted in one transaction that adds the membership,
//! only while valid. On SQLite and PostgreSQL.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test with its message"
)]

use chrono::{Duration, Utc};
use churnwise_domain::registry::Role;
use churnwise_store::*;
use churnwise_store_tests::{on_both_backends, TestStore};

fn invitation(ws: WorkspaceId, email: &str, hash: &str, by: Option<UserId>) -> NewInvitation {
    let now = Utc::now();
    NewInvitation {
        workspace: ws,
        email: email.into(),
        role: Role::Member,
        token_hash: hash.into(),
        invited_by: by,
        created_at: now,
        expires_at: now + Duration::days(14),
    }
}

async fn an_invitation_is_found_by_its_hash_and_replaced_per_email(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("Acme").await.unwrap();
    let ana = s
        .upsert_user("ana@example.com", "$argon2id$x")
        .await
        .unwrap();
    s.set_membership(ana.id, ws.id, Role::Owner).await.unwrap();
    let first = s
        .create_invitation(invitation(ws.id, "bob@example.com", "h1", Some(ana.id)))
        .await
        .unwrap();
    assert_eq!(first.invited_by.as_deref(), Some("ana@example.com"));
    assert_eq!(first.workspace.name, "Acme");
    let mut again = invitation(ws.id, "bob@example.com", "h2", None);
    again.role = Role::Viewer;
    s.create_invitation(again).await.unwrap();
    let listed = s.list_invitations(ws.id).await.unwrap();
    assert_eq!(listed.len(), 1, "one per email and workspace");
    assert_eq!(listed[0].role, Role::Viewer);
    assert!(
        s.find_invitation("h1").await.unwrap().is_none(),
        "the old link is dead"
    );
    assert!(s.find_invitation("h2").await.unwrap().is_some());
    let now = Utc::now();
    assert_eq!(
        s.invitations_for_email("bob@example.com", now)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(s
        .invitations_for_email("bob@example.com", now + Duration::days(15))
        .await
        .unwrap()
        .is_empty());
    // Revoking is per workspace.
    let other = s.ensure_workspace("Other").await.unwrap();
    assert!(!s.revoke_invitation(other.id, listed[0].id).await.unwrap());
    assert!(!s
        .decline_invitation(listed[0].id, "eve@example.com")
        .await
        .unwrap());
    assert!(s.revoke_invitation(ws.id, listed[0].id).await.unwrap());
    assert!(s.list_invitations(ws.id).await.unwrap().is_empty());
}

async fn accepting_adds_the_membership_once_and_only_while_valid(t: TestStore) {
    let s = t.store;
    let ws = s.ensure_workspace("Acme").await.unwrap();
    let carol = s
        .upsert_user("carol@example.com", "$argon2id$c")
        .await
        .unwrap();
    let now = Utc::now();
    let inv = s
        .create_invitation(invitation(ws.id, "carol@example.com", "hc", None))
        .await
        .unwrap();
    // Expired: refused, nothing changed.
    let late = s
        .accept_invitation(
            inv.id,
            Acceptor::Existing(carol.id),
            now + Duration::days(15),
        )
        .await;
    assert!(matches!(late, Err(StoreError::NotFound)));
    assert!(s.memberships(carol.id).await.unwrap().is_empty());
    // A new account for a taken email: refused, nothing changed.
    let taken = s
        .accept_invitation(
            inv.id,
            Acceptor::NewAccount {
                password_hash: "$argon2id$other".into(),
                name: None,
            },
            now,
        )
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict { .. })));
    assert!(s.find_invitation("hc").await.unwrap().is_some());
    assert_eq!(
        s.find_user_by_email("carol@example.com")
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        "$argon2id$c"
    );
    let done = s
        .accept_invitation(inv.id, Acceptor::Existing(carol.id), now)
        .await
        .unwrap();
    assert_eq!((done.role, done.workspace.id), (Role::Member, ws.id));
    assert_eq!(s.memberships(carol.id).await.unwrap().len(), 1);
    // Used: gone.
    assert!(matches!(
        s.accept_invitation(inv.id, Acceptor::Existing(carol.id), now)
            .await,
        Err(StoreError::NotFound)
    ));
    // A new account is created with the invitation's email and role.
    let inv = s
        .create_invitation(invitation(ws.id, "bob@example.com", "hb", None))
        .await
        .unwrap();
    let bob = s
        .accept_invitation(
            inv.id,
            Acceptor::NewAccount {
                password_hash: "$argon2id$b".into(),
                name: Some("Bob".into()),
            },
            now,
        )
        .await
        .unwrap();
    assert_eq!(bob.user.email, "bob@example.com");
    assert_eq!(bob.user.name.as_deref(), Some("Bob"));
    assert_eq!(bob.role, Role::Member);
    assert_eq!(s.count_users().await.unwrap(), 2);
}

on_both_backends!(
    an_invitation_is_found_by_its_hash_and_replaced_per_email,
    accepting_adds_the_membership_once_and_only_while_valid,
);
