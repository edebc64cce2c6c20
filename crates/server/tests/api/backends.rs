//! The same data gives the same answers on SQLite and on PostgreSQL: one set of webhooks is
//! stored in both, and every list query (search, filters, sort, pages) and the counts by status
//! are compared, and the live webhooks `POST /webhooks/search` evaluates. Runs where the suite has a PostgreSQL server (`WEBHOOK_TEST_POSTGRES`, set by
//! `scripts/with-postgres.sh` in `make test`); the SQLite-only run skips it.

use crate::helpers::{create_database, postgres_server};
use std::collections::BTreeMap;
use webhook_api::{
    Auth, FailureDetails, MessageLanguage, PayloadFormat, Sort, SortField, Webhook, WebhookQuery,
    WebhookStatus, WebhookType,
};
use webhook_server::db::webhook_history::Logged;
use webhook_server::db::{self, Db};

/// Names, URLs and descriptions where case folding, wildcards and sort order could differ.
const WORDS: &[&str] = &[
    "Payments",
    "payments",
    "PAYROLL",
    "ops",
    "Ops-team",
    "100% uptime",
    "a_b",
    "axb",
    "Übung",
    "über",
    "Straße",
    "İstanbul",
    "ΣΊΣΥΦΟΣ",
    "rocket 🚀",
    "back\\slash",
    "zeta",
    "Alpha",
    "alpha",
    "beta",
    "Zulu",
];

const EVENT_TYPES: &[&str] = &["host.lost_connection", "resource.update", "resource.create"];

/// A deterministic pseudo-random sequence, so a failure names a reproducible case.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

fn webhooks(n: usize) -> Vec<Webhook> {
    let mut rng = Lcg(7);
    (0..n)
        .map(|i| {
            let word = WORDS[rng.next(WORDS.len())];
            let other = WORDS[rng.next(WORDS.len())];
            // Few distinct times, so sorts meet many ties (broken by id).
            let created = format!("2026-11-{:02}T10:00:00.000Z", 1 + rng.next(5));
            let updated = format!("2026-11-{:02}T12:00:00.000Z", 1 + rng.next(3));
            let event_types = EVENT_TYPES
                .iter()
                .filter(|_| rng.next(2) == 0)
                .map(|t| t.to_string())
                .collect();
            Webhook {
                id: format!("0190a000-0000-7000-8000-{i:012}"),
                name: format!("{word} {i}"),
                description: if rng.next(3) == 0 {
                    String::new()
                } else {
                    format!("About {other}")
                },
                kind: WebhookType::ALL[rng.next(2)],
                url: format!(
                    "https://{}.example.com/{}",
                    ["hooks", "PAY", "ops"][rng.next(3)],
                    other
                ),
                language: MessageLanguage::default(),
                auth: Auth::None,
                previous_secret_expires_at: None,
                headers: BTreeMap::new(),
                format: PayloadFormat::default(),
                use_template: true,
                msg_key: "Msg".into(),
                body: BTreeMap::new(),
                event_types,
                enabled: rng.next(4) != 0,
                status: WebhookStatus::ALL[rng.next(5)],
                failure_details: FailureDetails::default(),
                batch_size: 10,
                timeout: 10,
                tags: match rng.next(4) {
                    0 => BTreeMap::new(),
                    1 => BTreeMap::from([("env".into(), "prod".into())]),
                    2 => BTreeMap::from([
                        ("env".into(), "dev".into()),
                        ("team".into(), "ops".into()),
                    ]),
                    _ => BTreeMap::from([("team".into(), "ops".into())]),
                },
                project_id: ["", "web", "db"][rng.next(3)].into(),
                version: 1,
                created_at: created,
                updated_at: updated,
                updated_by: "test".into(),
            }
        })
        .collect()
}

fn queries(count: usize) -> Vec<WebhookQuery> {
    let searches = [
        None,
        Some("pay"),
        Some("PAY"),
        Some("a"),
        Some("ops"),
        Some("%"),
        Some("a_b"),
        Some("über"),
        Some("ÜBUNG"),
        Some("straße"),
        Some("σίσ"),
        Some("🚀"),
        Some("\\"),
        Some("example.com/z"),
        Some("nothing like this"),
    ];
    let mut rng = Lcg(11);
    (0..count)
        .map(|_| WebhookQuery {
            search: searches[rng.next(searches.len())].map(str::to_string),
            kind: [None, Some(WebhookType::Events), Some(WebhookType::Alarms)][rng.next(3)],
            enabled: [None, Some(true), Some(false)][rng.next(3)],
            deleted: false,
            status: if rng.next(3) == 0 {
                Some(WebhookStatus::ALL[rng.next(5)])
            } else {
                None
            },
            event_type: if rng.next(3) == 0 {
                Some(EVENT_TYPES[rng.next(EVENT_TYPES.len())].to_string())
            } else {
                None
            },
            project_id: [None, Some("web"), Some("db")][rng.next(3)].map(str::to_string),
            tag: [None, Some(("env", "prod")), Some(("team", "ops"))][rng.next(3)]
                .map(|(k, v)| (k.to_string(), v.to_string())),
            sort: Sort {
                field: SortField::ALL[rng.next(5)],
                descending: rng.next(2) == 0,
            },
            page: 1 + rng.next(4) as u32,
            page_size: [1, 7, 20, 100][rng.next(4)],
            // No webhook here has deliveries: with the filter, the same rows as without.
            silent_days: [None, Some(7)][rng.next(2)],
        })
        .collect()
}

async fn fill(db: &Db, all: &[Webhook]) {
    for w in all {
        db::webhooks::insert(db, w, &Logged::system("create", &w.id, &w.name))
            .await
            .unwrap();
    }
    // A few soft deletes: gone from lists and counts on both.
    for w in all.iter().step_by(17) {
        assert!(
            db::webhooks::soft_delete(
                db,
                &w.id,
                "2026-11-30T00:00:00.000Z",
                &Logged::system("delete", &w.id, &w.name),
            )
            .await
            .unwrap()
        );
    }
}

#[tokio::test]
async fn the_list_and_its_counts_are_the_same_on_sqlite_and_postgresql() {
    let Some(server) = postgres_server() else {
        eprintln!("skipped: no PostgreSQL server (WEBHOOK_TEST_POSTGRES)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sqlite =
        crate::helpers::open_db(&format!("sqlite://{}", dir.path().join("c.db").display())).await;
    let pg_url = format!(
        "{}/compare_{}",
        server.rsplit_once('/').unwrap().0,
        uuid::Uuid::now_v7().simple()
    );
    create_database(&pg_url).await;
    let postgres = crate::helpers::open_db(&pg_url).await;
    assert!(postgres.is_postgres() && !sqlite.is_postgres());

    let all = webhooks(800);
    fill(&sqlite, &all).await;
    fill(&postgres, &all).await;

    assert_eq!(
        db::webhooks::stat(&sqlite).await.unwrap(),
        db::webhooks::stat(&postgres).await.unwrap()
    );
    let mut non_empty = 0;
    for (i, query) in queries(600).iter().enumerate() {
        let a = db::webhooks::list(&sqlite, query).await.unwrap();
        let b = db::webhooks::list(&postgres, query).await.unwrap();
        let ids = |p: &webhook_api::Page<Webhook>| {
            p.results.iter().map(|w| w.id.clone()).collect::<Vec<_>>()
        };
        assert_eq!(a.total_count, b.total_count, "query {i}: {query:?}");
        assert_eq!(ids(&a), ids(&b), "query {i}: {query:?}");
        assert_eq!(a.results, b.results, "query {i}: rows differ");
        non_empty += usize::from(!a.results.is_empty());
    }
    // Not vacuous: many queries find something.
    assert!(non_empty > 200, "{non_empty} of 600 queries found rows");
    // What search and stat evaluate: the same live webhooks in the same order.
    assert_eq!(
        db::webhooks::all_live(&sqlite).await.unwrap(),
        db::webhooks::all_live(&postgres).await.unwrap()
    );
    use db::webhooks::TextColumn;
    let narrowed = [
        (
            TextColumn::ProjectId,
            vec!["web".to_string(), "".to_string()],
        ),
        (
            TextColumn::Status,
            vec!["active".to_string(), "failed".to_string()],
        ),
        (TextColumn::Type, vec!["alarms".to_string()]),
    ];
    let a = db::webhooks::live_where(&sqlite, &narrowed).await.unwrap();
    assert!(!a.is_empty());
    assert_eq!(
        a,
        db::webhooks::live_where(&postgres, &narrowed)
            .await
            .unwrap()
    );

    // Names are unique case-insensitively on both, Unicode-aware (`name_key`).
    for db in [&sqlite, &postgres] {
        let mut clash = all[1].clone();
        clash.id = "0190a000-0000-7000-8000-999999999999".into();
        clash.name = clash.name.to_uppercase();
        assert!(matches!(
            db::webhooks::insert(
                db,
                &clash,
                &Logged::system("create", &clash.id, &clash.name)
            )
            .await,
            Err(db::WriteError::NameTaken)
        ));
    }
    sqlite.close().await;
    postgres.close().await;
}
