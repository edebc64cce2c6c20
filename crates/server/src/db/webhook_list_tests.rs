//! The list's search on SQLite: the FTS5 trigram index against the LIKE expression it stands
//! in for, and the plan choice.

use super::*;
use crate::db::webhooks::name_key;

#[test]
fn like_wildcards_are_literal() {
    assert_eq!(escape_like(r"50%_off\now"), r"50\%\_off\\now");
}

#[test]
fn the_search_index_answers_three_characters_or_more_without_nul() {
    assert_eq!(Search::new("ab").phrase(), None);
    assert_eq!(Search::new("é_").phrase(), None);
    assert_eq!(Search::new("a\0b").phrase(), None);
    assert_eq!(Search::new("ÄbC").phrase().as_deref(), Some("\"äbc\""));
    assert_eq!(
        Search::new(r#"say "hi""#).phrase().as_deref(),
        Some(r#""say ""hi""""#)
    );
}

#[test]
fn walking_is_chosen_when_matches_are_dense_enough() {
    // 4,000 of 10,000 match: 60 needed read ~150 entries, not 4,000 sorted.
    assert_eq!(
        Plan::for_page(SortField::Name, 60, 4_000, 10_000),
        Plan::Walk(SortField::Name)
    );
    // 40 of 10,000: walking would read everything to find 20.
    assert_eq!(Plan::for_page(SortField::Name, 20, 40, 10_000), Plan::Drive);
    // A deep page of a mid-sized result: sorting 1,500 beats walking to the 1,400th.
    assert_eq!(
        Plan::for_page(SortField::Name, 1_400, 1_500, 100_000),
        Plan::Drive
    );
    assert_eq!(Plan::for_page(SortField::Name, 20, 0, 0), Plan::Drive);
}

/// Texts chosen where lower-casing, LIKE and the trigram tokenizer could disagree.
const TEXTS: &[(&str, &str, &str)] = &[
    (
        "Payments",
        "https://PAYMENTS.example.com/hook",
        "Tells the Payments team",
    ),
    ("100% uptime", "https://a.example/x?q=%41", "a_b and axb"),
    ("back\\slash", "https://b.example/", r"C:\Temp\OPS"),
    ("Übung macht", "https://c.example/ÜBER", "Über alles, ÜBUNG"),
    ("STRASSE ẞ", "https://d.example/straße", "Straße"),
    ("İstanbul", "https://e.example/İSTANBUL", "İstanbul"),
    ("ΣΊΣΥΦΟΣ", "https://f.example/", "ΣΊΣΥΦΟΣ"),
    ("Kelvin", "https://g.example/\u{212A}elvin", "\u{212A}ELVIN"),
    ("quotes", "https://h.example/", r#"say "hi" now"#),
    ("rocket", "https://i.example/🚀", "🚀 Launch"),
    ("nonchar", "https://j.example/", "x\u{FFFF}yz"),
    ("nul", "https://k.example/", "before\0after ops"),
    ("empty", "https://l.example/", ""),
];

const SEARCHES: &[&str] = &[
    "pay",
    "PAYMENTS",
    "ments.ex",
    "0% u",
    "a_b",
    "%",
    "_",
    "\\",
    r"\temp",
    "über",
    "ÜBER",
    "übung",
    "ßE",
    "straße",
    "strasse",
    "ẞ",
    "İst",
    "i̇st",
    "ist",
    "\u{212A}elv",
    "kelv",
    "σίσ",
    "ΣΊΣ",
    "σος",
    "ςος",
    "\"hi\"",
    "\"",
    "🚀 l",
    "🚀",
    "after",
    "ops",
    "fore",
    "x\u{FFFD}y",
    "x\u{FFFF}y",
    "yz",
    "a",
    "ab",
    "  ",
    "example",
    "https://",
];

async fn live_ids(pool: &SqlitePool, sql: &str, bind: String) -> Vec<String> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(bind)
        .fetch_all(pool)
        .await
        .unwrap()
}

/// The search index against the LIKE expression it stands in for, search by search; returns
/// what each search found.
async fn assert_index_matches_like(pool: &SqlitePool) -> Vec<(&'static str, Vec<String>)> {
    let mut found = Vec::new();
    for text in SEARCHES {
        let search = Search::new(text);
        let like = live_ids(
            pool,
            "SELECT id FROM webhooks WHERE deleted_at IS NULL AND (name_key LIKE ?1 \
             ESCAPE '\\' OR lower(url) LIKE ?1 ESCAPE '\\' OR lower(description) LIKE ?1 \
             ESCAPE '\\') ORDER BY id",
            search.like_pattern(),
        )
        .await;
        if let Some(phrase) = search.phrase() {
            // The index alone, without the table: it holds live webhooks only.
            let sql = format!("{SEARCH_INDEX_IDS} ?1 ORDER BY 1");
            assert_eq!(
                live_ids(pool, &sql, phrase.clone()).await,
                like,
                "search {text:?}"
            );
            // The count `list` takes from the index alone when the search is the only filter.
            let count: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM webhook_search WHERE webhook_search MATCH ?",
            )
            .bind(phrase)
            .fetch_one(pool)
            .await
            .unwrap();
            assert_eq!(count as usize, like.len(), "search {text:?}");
        }
        found.push((*text, like));
    }
    found
}

fn found<'a>(all: &'a [(&str, Vec<String>)], text: &str) -> &'a [String] {
    &all.iter().find(|(t, _)| *t == text).unwrap().1
}

async fn insert_row(pool: &SqlitePool, id: &str, name: &str, url: &str, description: &str) {
    sqlx::query(
        "INSERT INTO webhooks (id, name, name_key, description, type, url, language, auth, \
         headers, event_types, enabled, status, failure_details, batch_size, timeout, tags, \
         version, created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, 'events', ?, 'en', \
         '{}', '{}', '[]', 1, 'active', '{}', 1, 10, '{}', 1, '2026-01-01T00:00:00.000Z', \
         '2026-01-01T00:00:00.000Z', 'test')",
    )
    .bind(id)
    .bind(name)
    .bind(name_key(name))
    .bind(description)
    .bind(url)
    .execute(pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_search_index_matches_exactly_what_like_matches() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let pool = crate::db::sqlite::open(&url, crate::db::Synchronous::Normal)
        .await
        .unwrap();
    for (i, (name, url, description)) in TEXTS.iter().enumerate() {
        insert_row(&pool, &format!("id-{i:02}"), name, url, description).await;
    }
    let all = assert_index_matches_like(&pool).await;
    // Not vacuous: the cases the index must get right do match (or not) as LIKE does.
    assert_eq!(found(&all, "PAYMENTS"), ["id-00"]);
    assert_eq!(found(&all, "0% u"), ["id-01"]);
    assert_eq!(found(&all, r"\temp"), ["id-02"]);
    assert_eq!(found(&all, "ops"), ["id-02"]); // not id-11: LIKE stops at its NUL
    assert!(found(&all, "after").is_empty());
    assert_eq!(found(&all, "übung"), ["id-03"]); // the name; 'ÜBUNG' in the description
    assert!(found(&all, "über").is_empty()); // is not lower-cased by SQL's lower()
    assert_eq!(found(&all, "İst"), ["id-05"]);
    assert_eq!(found(&all, "\"hi\""), ["id-08"]);
    assert_eq!(found(&all, "🚀 l"), ["id-09"]);
    assert_eq!(found(&all, "x\u{FFFD}y"), ["id-10"]);
    assert_eq!(found(&all, "example").len(), TEXTS.len());

    // Edits, soft deletes and a revival keep the index in step (the triggers).
    let edits = [
        "UPDATE webhooks SET name = 'Ops Übung', name_key = 'ops übung' WHERE id = 'id-03'",
        "UPDATE webhooks SET url = 'https://x.example/PAY' WHERE id = 'id-00'",
        "UPDATE webhooks SET description = 'no longer' WHERE id = 'id-04'",
        "UPDATE webhooks SET status = 'failed', version = 2 WHERE id = 'id-05'",
        "UPDATE webhooks SET deleted_at = '2026-01-02T00:00:00.000Z' WHERE id = 'id-01'",
        "UPDATE webhooks SET deleted_at = '2026-01-02T00:00:00.000Z' WHERE id = 'id-09'",
        "UPDATE webhooks SET deleted_at = NULL, description = 'Back 🚀' WHERE id = 'id-09'",
        "DELETE FROM webhooks WHERE id = 'id-12'",
    ];
    for edit in edits {
        sqlx::query(edit).execute(&pool).await.unwrap();
    }
    assert_index_matches_like(&pool).await;
    let indexed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_search_keys")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(indexed, TEXTS.len() as i64 - 1);
    pool.close().await;
}
