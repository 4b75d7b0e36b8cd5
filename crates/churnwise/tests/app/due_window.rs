//! The due list read by each client's stored due day (issue 14, migration
//! 0031), on both backends: the stored day follows every change that moves
//! it (a contact logged, keep-in-touch days changed, an earlier
//! subscription, a client becoming former), the list equals the one
//! computed from every client's contact facts, and any window of it is the
//! same slice of the whole list.

use crate::both_backends;
use crate::support::TestApp;
use chrono::{Days, NaiveDate, Utc};
use churnwise_app::early_warning::{due_lists, due_window, DueOwner};
use churnwise_domain::contact_frequency::ContactLimit;
use churnwise_domain::health::contact_overdue_days;
use churnwise_domain::registry::{ClientStatus, InteractionKind, Role};
use churnwise_domain::Money;
use churnwise_store::{
    ClientId, ClientPatch, NewClient, NewInteraction, NewSubscription, Store, WorkspaceId,
};
use churnwise_store_tests::Backend;
use std::sync::Arc;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn days_ago(n: u64) -> NaiveDate {
    today() - Days::new(n)
}

async fn client(
    s: &Arc<dyn Store>,
    ws: WorkspaceId,
    name: &str,
    owner: Option<&str>,
    keep_in_touch_days: i32,
    started: NaiveDate,
) -> ClientId {
    let id = s
        .create_client(
            ws,
            NewClient {
                external_id: None,
                name: name.into(),
                status: ClientStatus::Active,
                owner: owner.map(str::to_string),
                segment: None,
                keep_in_touch_days,
                notes: None,
            },
        )
        .await
        .unwrap()
        .id;
    subscription(s, ws, id, started).await;
    id
}

async fn subscription(s: &Arc<dyn Store>, ws: WorkspaceId, id: ClientId, started: NaiveDate) {
    s.add_subscription(
        ws,
        id,
        NewSubscription {
            subscription_ref: format!("SUB-{}-{started}", id.0),
            plan: None,
            mrr: Money::from_cents(5_000),
            started_on: started,
            ended_on: None,
            notice_period_days: None,
            minimum_term_months: None,
        },
    )
    .await
    .unwrap();
}

async fn contact(
    s: &Arc<dyn Store>,
    ws: WorkspaceId,
    id: ClientId,
    kind: InteractionKind,
    on: NaiveDate,
) {
    s.log_interaction(
        ws,
        id,
        NewInteraction {
            kind,
            occurred_on: on,
            author: None,
            note: None,
        },
    )
    .await
    .unwrap();
}

/// The keep-in-touch part of the due list as it was computed before the
/// stored day: every client's contact facts as of `on`, the held-back ones
/// out, most overdue first, then by name, current clients before former
/// ones, then by id.
async fn reference(
    s: &Arc<dyn Store>,
    ws: WorkspaceId,
    on: NaiveDate,
    include_former: bool,
) -> Vec<(ClientId, NaiveDate)> {
    let mut facts = s.current_contact_facts(ws, on).await.unwrap();
    if include_former {
        facts.extend(s.former_contact_facts(ws, on).await.unwrap());
    }
    let mut due: Vec<(NaiveDate, String, bool, ClientId)> = facts
        .into_iter()
        .filter_map(|f| {
            let late =
                contact_overdue_days(f.last_contact_on, f.client_since, f.keep_in_touch_days, on)?;
            Some((
                on - Days::new(late.unsigned_abs()),
                f.client.name,
                f.client.status == ClientStatus::Former,
                f.client.id,
            ))
        })
        .collect();
    let ids: Vec<ClientId> = due.iter().map(|d| d.3).collect();
    let held = churnwise_app::contact_frequency::held_back(s.as_ref(), ws, &ids, on)
        .await
        .unwrap();
    due.retain(|d| !held.contains_key(&d.3));
    due.sort();
    due.into_iter().map(|d| (d.3, d.0)).collect()
}

/// The due list's contacts as (client, due day).
async fn listed(
    s: &Arc<dyn Store>,
    ws: WorkspaceId,
    on: NaiveDate,
    include_former: bool,
) -> Vec<(ClientId, NaiveDate)> {
    due_lists(s.as_ref(), ws, on, None, include_former)
        .await
        .unwrap()
        .due
        .into_iter()
        .map(|e| (e.client_id, e.due_on))
        .collect()
}

async fn a_stored_due_day_follows_every_change_that_moves_it(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (w, _) = app.user_with_token("o@x.com", "Due", Role::Owner).await;
    let s = app.store();
    let ws = w.id;
    let a = client(s, ws, "Alba", Some("Ana"), 30, days_ago(400)).await;
    let b = client(s, ws, "Bruno", Some("Ana"), 30, days_ago(400)).await;
    let c = client(s, ws, "Carla", Some("Bo"), 30, days_ago(400)).await;
    let d = client(s, ws, "Dario", None, 30, days_ago(10)).await;
    let check = |what: &'static str| {
        let s = s.clone();
        async move {
            for on in [days_ago(60), today(), today() + Days::new(45)] {
                for former in [false, true] {
                    assert_eq!(
                        listed(&s, ws, on, former).await,
                        reference(&s, ws, on, former).await,
                        "{what}, on {on}, former {former}"
                    );
                }
            }
        }
    };
    check("new clients").await;
    let now = listed(s, ws, today(), false).await;
    let due_a = days_ago(400) + Days::new(30);
    assert_eq!(
        now,
        vec![(a, due_a), (b, due_a), (c, due_a)],
        "three clients due since their start plus 30 days, Dario not yet"
    );

    // A call today: Alba is no longer due; a newsletter does not count.
    contact(s, ws, a, InteractionKind::Call, today()).await;
    contact(s, ws, b, InteractionKind::Newsletter, today()).await;
    check("a call and a newsletter").await;
    let now = listed(s, ws, today(), false).await;
    assert!(!now.iter().any(|(id, _)| *id == a), "{now:?}");
    assert!(now.iter().any(|(id, _)| *id == b), "{now:?}");

    // Longer keep-in-touch days move Bruno's day past today.
    s.update_client(
        ws,
        b,
        ClientPatch {
            keep_in_touch_days: Some(1000),
            ..ClientPatch::default()
        },
    )
    .await
    .unwrap();
    check("keep-in-touch days changed").await;
    assert!(!listed(s, ws, today(), false)
        .await
        .iter()
        .any(|(id, _)| *id == b));

    // Carla becomes former: out of the list, unless former clients are asked.
    s.update_client(
        ws,
        c,
        ClientPatch {
            status: Some(ClientStatus::Former),
            ..ClientPatch::default()
        },
    )
    .await
    .unwrap();
    check("a client became former").await;
    assert!(!listed(s, ws, today(), false)
        .await
        .iter()
        .any(|(id, _)| *id == c));
    assert!(listed(s, ws, today(), true)
        .await
        .iter()
        .any(|(id, _)| *id == c));

    // An earlier subscription moves Dario's start, and his day with it.
    subscription(s, ws, d, days_ago(100)).await;
    check("an earlier subscription").await;
    assert!(listed(s, ws, today(), false)
        .await
        .contains(&(d, days_ago(100) + Days::new(30))));

    // A later subscription moves nothing; an earlier one for a client with
    // a contact moves its start but not its day (the contact decides).
    subscription(s, ws, d, days_ago(50)).await;
    check("a later subscription").await;
    assert!(listed(s, ws, today(), false)
        .await
        .contains(&(d, days_ago(100) + Days::new(30))));
    contact(s, ws, d, InteractionKind::Call, days_ago(20)).await;
    subscription(s, ws, d, days_ago(300)).await;
    check("an earlier subscription after a contact").await;
    assert!(!listed(s, ws, today(), false)
        .await
        .iter()
        .any(|(id, _)| *id == d));

    // A contact planned ahead: asked as of a day before it, Alba's last
    // contact is today's call; after it, the planned one.
    contact(s, ws, a, InteractionKind::Meeting, today() + Days::new(20)).await;
    check("a contact after the day asked").await;
    assert!(listed(s, ws, today() + Days::new(60), false)
        .await
        .contains(&(a, today() + Days::new(50))));
}

async fn a_window_of_the_due_list_is_the_same_slice_of_the_whole_list(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (w, token) = app.user_with_token("o@x.com", "Due", Role::Owner).await;
    let s = app.store();
    let ws = w.id;
    // At most 2 contacts in 30 days: clients called twice lately are held back.
    let mut settings = s.workspace_settings(ws).await.unwrap();
    settings.value.max_contacts.default = Some(ContactLimit {
        contacts: 2,
        days: 30,
    });
    s.save_workspace_settings(ws, &settings.value, settings.version)
        .await
        .unwrap();
    let owners = [Some("Ana"), Some("ana "), Some("Bo"), None];
    // Names repeat so that ties on the day are broken by name, status and id.
    let names = ["Same", "Zeta", "Álvaro", "alpha", "Same", "Beta"];
    let mut ids = Vec::new();
    for i in 0..30u64 {
        let id = client(
            s,
            ws,
            names[(i % 6) as usize],
            owners[(i % 4) as usize],
            [1, 7, 30][(i % 3) as usize],
            days_ago(40 + (i % 5) * 3),
        )
        .await;
        ids.push(id);
        match i % 7 {
            // Called twice lately and due again: held back by the limit.
            0 => {
                contact(s, ws, id, InteractionKind::Call, days_ago(9)).await;
                contact(s, ws, id, InteractionKind::Email, days_ago(8)).await;
            }
            // A contact after some of the days asked below.
            1 => contact(s, ws, id, InteractionKind::Meeting, days_ago(3)).await,
            2 => contact(s, ws, id, InteractionKind::Call, days_ago(25)).await,
            _ => {}
        }
        if i % 5 == 4 {
            s.update_client(
                ws,
                id,
                ClientPatch {
                    status: Some(ClientStatus::Former),
                    ..ClientPatch::default()
                },
            )
            .await
            .unwrap();
        }
    }
    let mut held_seen = false;
    for on in [days_ago(6), today()] {
        for former in [false, true] {
            let whole = due_lists(s.as_ref(), ws, on, None, former).await.unwrap();
            let got: Vec<(ClientId, NaiveDate)> =
                whole.due.iter().map(|e| (e.client_id, e.due_on)).collect();
            assert_eq!(got, reference(s, ws, on, former).await, "on {on}");
            held_seen |= !whole.held_back.is_empty();
            for owner in [DueOwner::Everyone, DueOwner::Named("ANA")] {
                let all = due_window(s.as_ref(), ws, on, owner, former, 0, None)
                    .await
                    .unwrap();
                if let DueOwner::Named(_) = owner {
                    assert!(all
                        .due
                        .iter()
                        .all(|e| e.owner.as_deref().map(str::trim) == Some("Ana")
                            || e.owner.as_deref().map(str::trim) == Some("ana")));
                    assert!(!all.due.is_empty());
                } else {
                    assert_eq!(all.due, whole.due);
                    assert_eq!(all.held_back, whole.held_back);
                }
                for limit in [1usize, 3, 7] {
                    for offset in 0..=all.due.len() + 1 {
                        let window =
                            due_window(s.as_ref(), ws, on, owner, former, offset, Some(limit))
                                .await
                                .unwrap();
                        let end = (offset + limit).min(all.due.len());
                        let expected = all.due.get(offset..end).unwrap_or_default();
                        assert_eq!(
                            window.due, expected,
                            "on {on}, former {former}, {owner:?}, offset {offset}, limit {limit}"
                        );
                        assert_eq!(window.more, offset + limit < all.due.len());
                        assert_eq!(window.held_back, all.held_back);
                    }
                }
            }
        }
    }
    assert!(held_seen, "some client is held back");
    // The API answers the same windows.
    let whole = due_lists(s.as_ref(), ws, today(), None, false)
        .await
        .unwrap()
        .due;
    for (offset, limit) in [(0, 2), (3, 4), (whole.len() - 1, 5)] {
        let r = app
            .call(
                axum::http::Method::GET,
                &format!("/api/v1/due-list?offset={offset}&limit={limit}"),
                Some(&token),
                None,
            )
            .await;
        let got: Vec<i64> = r
            .json
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["client_id"].as_i64().unwrap())
            .collect();
        let expected: Vec<i64> = whole
            .iter()
            .skip(offset)
            .take(limit)
            .map(|e| e.client_id.0)
            .collect();
        assert_eq!(got, expected, "offset {offset}, limit {limit}");
    }
}

both_backends!(
    a_stored_due_day_follows_every_change_that_moves_it,
    a_window_of_the_due_list_is_the_same_slice_of_the_whole_list,
);
