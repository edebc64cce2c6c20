//! The evaluator on a handful of resources shaped like the API's: every operator, and/or, the
//! keyword, tags, sort, paging, projection, counting, stat, and the errors.

use super::*;
use serde_json::json;
use webhook_api::{SearchPage, SearchSort};

const FIELDS: Fields = Fields {
    keys: &[
        "id",
        "name",
        "state",
        "size",
        "ratio",
        "event_types",
        "created_at",
        "project_id",
        "plugin_info.plugin_id",
        "tags",
    ],
    tags: true,
    keyword: &["name", "id"],
};

fn items() -> Vec<Value> {
    vec![
        json!({"id": "a", "name": "Alpha ops", "state": "ENABLED", "size": 10, "ratio": 0.5,
               "event_types": ["host.lost_connection", "config.change"],
               "created_at": "2026-01-01T00:00:00.000Z", "project_id": "web",
               "plugin_info": {"plugin_id": "alertmanager"}, "tags": {"env": "prod", "a.b": "dot"}}),
        json!({"id": "b", "name": "beta", "state": "DISABLED", "size": 2, "ratio": 1.5,
               "event_types": ["config.change"],
               "created_at": "2026-02-01T00:00:00.000Z", "project_id": "",
               "plugin_info": {"plugin_id": "grafana"}, "tags": {"env": "dev"}}),
        json!({"id": "c", "name": "Gamma", "state": "ENABLED", "size": 10, "ratio": 2,
               "event_types": [],
               "created_at": "2026-03-01T00:00:00.000Z", "project_id": "web",
               "plugin_info": {"plugin_id": "alertmanager"}, "tags": {}}),
        json!({"id": "d", "name": "delta OPS", "state": "ENABLED", "size": 300, "ratio": null,
               "event_types": ["host.recovery_timeout"],
               "created_at": "2026-04-01T00:00:00.000Z", "project_id": "db",
               "plugin_info": {"plugin_id": "generic"}, "tags": {"team": "sre"}}),
    ]
}

fn cond(k: &str, o: SearchOp, v: Value) -> Condition {
    Condition { k: k.into(), v, o }
}

fn filtered(filter: Vec<Condition>) -> SearchQuery {
    SearchQuery {
        filter,
        ..Default::default()
    }
}

/// The ids of the results, in order.
fn ids(q: &SearchQuery) -> Vec<String> {
    let found = search(items(), q, &FIELDS).expect("a valid query");
    found
        .results
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

fn matching(k: &str, o: SearchOp, v: Value) -> Vec<String> {
    ids(&filtered(vec![cond(k, o, v)]))
}

fn errors(r: Result<impl std::fmt::Debug, ApiError>) -> FieldErrors {
    match r {
        Err(ApiError::Validation(f)) => f,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn eq_and_not() {
    use SearchOp::*;
    assert_eq!(matching("state", Eq, json!("ENABLED")), ["a", "c", "d"]);
    assert_eq!(matching("state", Not, json!("ENABLED")), ["b"]);
    // Numbers numerically, whatever their spelling; a text is not a number.
    assert_eq!(matching("size", Eq, json!(10.0)), ["a", "c"]);
    assert_eq!(matching("ratio", Eq, json!(2)), ["c"]);
    assert!(matching("size", Eq, json!("10")).is_empty());
    // Nested keys, and null for missing or null fields.
    assert_eq!(
        matching("plugin_info.plugin_id", Eq, json!("grafana")),
        ["b"]
    );
    assert_eq!(matching("ratio", Eq, json!(null)), ["d"]);
    assert_eq!(matching("tags.team", Eq, json!(null)), ["a", "b", "c"]);
    assert_eq!(matching("ratio", Not, json!(null)), ["a", "b", "c"]);
    // Default operator is eq.
    let q: SearchQuery =
        serde_json::from_value(json!({"filter": [{"k": "name", "v": "beta"}]})).unwrap();
    assert_eq!(ids(&q), ["b"]);
}

#[test]
fn list_fields_match_on_any_element() {
    use SearchOp::*;
    assert_eq!(
        matching("event_types", Eq, json!("config.change")),
        ["a", "b"]
    );
    assert_eq!(
        matching("event_types", Not, json!("config.change")),
        ["c", "d"]
    );
    assert_eq!(matching("event_types", Eq, json!([])), ["c"]);
    assert_eq!(
        matching("event_types", In, json!(["host.recovery_timeout", "x"])),
        ["d"]
    );
    assert_eq!(
        matching("event_types", NotIn, json!(["config.change"])),
        ["c", "d"]
    );
    assert_eq!(matching("event_types", Contain, json!("HOST.")), ["a", "d"]);
    assert_eq!(
        matching("event_types", NotContain, json!("host.")),
        ["b", "c"]
    );
}

#[test]
fn in_and_not_in() {
    use SearchOp::*;
    assert_eq!(matching("name", In, json!(["beta", "Gamma"])), ["b", "c"]);
    assert_eq!(
        matching("name", NotIn, json!(["beta", "Gamma"])),
        ["a", "d"]
    );
    assert_eq!(matching("size", In, json!([2, 300.0])), ["b", "d"]);
    assert!(matching("name", In, json!([])).is_empty());
    assert_eq!(matching("name", NotIn, json!([])).len(), 4);
}

#[test]
fn contain_ignores_case() {
    use SearchOp::*;
    assert_eq!(matching("name", Contain, json!("OPS")), ["a", "d"]);
    assert_eq!(matching("name", NotContain, json!("ops")), ["b", "c"]);
    assert_eq!(matching("name", Contain, json!("")).len(), 4);
    // Only texts contain anything.
    assert!(matching("size", Contain, json!("1")).is_empty());
    assert_eq!(matching("size", NotContain, json!("1")).len(), 4);
}

#[test]
fn comparisons_of_numbers_and_texts() {
    use SearchOp::*;
    assert_eq!(matching("size", Gt, json!(10)), ["d"]);
    assert_eq!(matching("size", Gte, json!(10)), ["a", "c", "d"]);
    assert_eq!(matching("size", Lt, json!(10)), ["b"]);
    assert_eq!(matching("size", Lte, json!(10)), ["a", "b", "c"]);
    // 300 > 10 as a number (as text it would be smaller).
    assert_eq!(matching("size", Gt, json!(99.5)), ["d"]);
    assert_eq!(matching("ratio", Gte, json!(1)), ["b", "c"]);
    assert_eq!(matching("ratio", Lt, json!(1)), ["a"]);
    // Times as text.
    assert_eq!(
        matching("created_at", Gte, json!("2026-03-01T00:00:00.000Z")),
        ["c", "d"]
    );
    assert_eq!(
        matching("created_at", Lt, json!("2026-02-01T00:00:00.000Z")),
        ["a"]
    );
    // A number against a text field (and the reverse) never matches; neither does null.
    assert!(matching("name", Gt, json!(0)).is_empty());
    assert!(matching("size", Gt, json!("0")).is_empty());
    assert!(!matching("ratio", Lte, json!(100)).contains(&"d".to_string()));
}

#[test]
fn exists_means_present_and_not_empty() {
    use SearchOp::*;
    assert_eq!(matching("project_id", Exists, json!(true)), ["a", "c", "d"]);
    assert_eq!(matching("project_id", Exists, json!(false)), ["b"]);
    assert_eq!(matching("event_types", Exists, json!(false)), ["c"]);
    assert_eq!(matching("tags", Exists, json!(false)), ["c"]);
    assert_eq!(matching("ratio", Exists, json!(false)), ["d"]);
    assert_eq!(matching("tags.env", Exists, json!(true)), ["a", "b"]);
    // 0 and false are values.
    let zero = vec![json!({"id": "z", "size": 0})];
    let q = filtered(vec![cond("size", Exists, json!(true))]);
    assert_eq!(search(zero, &q, &FIELDS).unwrap().total_count, 1);
}

#[test]
fn tags_by_key_dots_included() {
    use SearchOp::*;
    assert_eq!(matching("tags.env", Eq, json!("prod")), ["a"]);
    assert_eq!(matching("tags.env", In, json!(["prod", "dev"])), ["a", "b"]);
    assert_eq!(matching("tags.a.b", Eq, json!("dot")), ["a"]);
    assert_eq!(matching("tags.team", Contain, json!("SR")), ["d"]);
}

#[test]
fn filter_is_and_filter_or_is_or() {
    use SearchOp::*;
    let both = filtered(vec![
        cond("state", Eq, json!("ENABLED")),
        cond("size", Eq, json!(10)),
    ]);
    assert_eq!(ids(&both), ["a", "c"]);
    let either = SearchQuery {
        filter_or: vec![
            cond("name", Eq, json!("beta")),
            cond("size", Gt, json!(100)),
        ],
        ..Default::default()
    };
    assert_eq!(ids(&either), ["b", "d"]);
    // Together: all of filter and one of filter_or.
    let mixed = SearchQuery {
        filter: vec![cond("state", Eq, json!("ENABLED"))],
        filter_or: vec![
            cond("name", Eq, json!("beta")),
            cond("size", Gt, json!(100)),
        ],
        ..Default::default()
    };
    assert_eq!(ids(&mixed), ["d"]);
    // No conditions: everything.
    assert_eq!(ids(&SearchQuery::default()), ["a", "b", "c", "d"]);
}

#[test]
fn keyword_matches_its_fields_ignoring_case() {
    let q = |k: &str| SearchQuery {
        keyword: Some(k.into()),
        ..Default::default()
    };
    assert_eq!(ids(&q("OPS")), ["a", "d"]);
    // The id is a keyword field too; the state is not.
    assert_eq!(ids(&q("c")), ["c"]);
    assert!(ids(&q("enabled")).is_empty());
    // Blank is no keyword.
    assert_eq!(ids(&q("  ")).len(), 4);
    let with_filter = SearchQuery {
        keyword: Some("ops".into()),
        filter: vec![cond("size", SearchOp::Gt, json!(10))],
        ..Default::default()
    };
    assert_eq!(ids(&with_filter), ["d"]);
}

#[test]
fn sort_is_stable_with_ties_broken_by_id() {
    let sorted = |key: &str, desc: bool| {
        ids(&SearchQuery {
            sort: Some(SearchSort {
                key: key.into(),
                desc,
            }),
            ..Default::default()
        })
    };
    assert_eq!(sorted("size", false), ["b", "a", "c", "d"]);
    assert_eq!(sorted("size", true), ["d", "c", "a", "b"]);
    // Text by byte order; nulls first.
    assert_eq!(sorted("name", false), ["a", "c", "b", "d"]);
    assert_eq!(sorted("ratio", false), ["d", "a", "b", "c"]);
    assert_eq!(sorted("tags.env", false), ["c", "d", "b", "a"]);
    assert_eq!(sorted("created_at", true), ["d", "c", "b", "a"]);
    // Equal keys: by id, whatever order they came in.
    let mut reversed = items();
    reversed.reverse();
    let q = SearchQuery {
        sort: Some(SearchSort {
            key: "state".into(),
            desc: false,
        }),
        ..Default::default()
    };
    let found = search(reversed, &q, &FIELDS).unwrap();
    let order: Vec<_> = found.results.iter().map(|r| r["id"].clone()).collect();
    assert_eq!(order, [json!("b"), json!("a"), json!("c"), json!("d")]);
    // Without a sort, the given order stays.
    let mut given = items();
    given.swap(0, 3);
    let found = search(given, &SearchQuery::default(), &FIELDS).unwrap();
    assert_eq!(found.results[0]["id"], "d");
}

#[test]
fn pages_count_from_one() {
    let page = |start: u64, limit: u64| {
        let q = SearchQuery {
            sort: Some(SearchSort {
                key: "id".into(),
                desc: false,
            }),
            page: Some(SearchPage { start, limit }),
            ..Default::default()
        };
        let found = search(items(), &q, &FIELDS).unwrap();
        assert_eq!(found.total_count, 4, "the count is of every match");
        found
            .results
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(page(1, 2), ["a", "b"]);
    assert_eq!(page(3, 2), ["c", "d"]);
    assert_eq!(page(4, 1000), ["d"]);
    assert!(page(5, 2).is_empty());
    let q: SearchQuery = serde_json::from_value(json!({"page": {"limit": 1}})).unwrap();
    assert_eq!(ids(&q), ["a"]);
}

#[test]
fn only_projects_dotted_keys_and_count_only_counts() {
    let q = SearchQuery {
        filter: vec![cond("id", SearchOp::Eq, json!("a"))],
        only: vec![
            "name".into(),
            "plugin_info.plugin_id".into(),
            "tags.env".into(),
            "tags.a.b".into(),
        ],
        ..Default::default()
    };
    let found = search(items(), &q, &FIELDS).unwrap();
    assert_eq!(
        found.results,
        [
            json!({"name": "Alpha ops", "plugin_info": {"plugin_id": "alertmanager"},
                "tags": {"env": "prod", "a.b": "dot"}})
        ]
    );
    // What an item lacks is left out, not made null.
    let q = SearchQuery {
        filter: vec![cond("id", SearchOp::Eq, json!("c"))],
        only: vec!["id".into(), "tags.env".into()],
        ..Default::default()
    };
    assert_eq!(
        search(items(), &q, &FIELDS).unwrap().results,
        [json!({"id": "c"})]
    );
    let q = SearchQuery {
        filter: vec![cond("state", SearchOp::Eq, json!("ENABLED"))],
        count_only: true,
        ..Default::default()
    };
    let found = search(items(), &q, &FIELDS).unwrap();
    assert_eq!((found.results.len(), found.total_count), (0, 3));
}

#[test]
fn stat_groups_and_counts_largest_first() {
    let stat_of = |q: Value| {
        let q: StatQuery = serde_json::from_value(q).unwrap();
        stat(items(), &q, &FIELDS).unwrap().results
    };
    assert_eq!(
        stat_of(json!({"group_by": ["state"]})),
        [
            json!({"state": "ENABLED", "count": 3}),
            json!({"state": "DISABLED", "count": 1})
        ]
    );
    // Several keys, dotted ones and tags; missing values group as null; ties by value.
    assert_eq!(
        stat_of(json!({"group_by": ["plugin_info.plugin_id", "tags.env"]})),
        [
            json!({"plugin_info.plugin_id": "alertmanager", "tags.env": null, "count": 1}),
            json!({"plugin_info.plugin_id": "alertmanager", "tags.env": "prod", "count": 1}),
            json!({"plugin_info.plugin_id": "generic", "tags.env": null, "count": 1}),
            json!({"plugin_info.plugin_id": "grafana", "tags.env": "dev", "count": 1}),
        ]
    );
    assert_eq!(
        stat_of(json!({"group_by": ["size"], "filter": [{"k": "state", "v": "ENABLED"}]})),
        [
            json!({"size": 10, "count": 2}),
            json!({"size": 300, "count": 1})
        ]
    );
    // No group: one row counting every match, even none.
    assert_eq!(stat_of(json!({})), [json!({"count": 4})]);
    assert_eq!(
        stat_of(json!({"keyword": "nothing-like-this"})),
        [json!({"count": 0})]
    );
    assert!(stat_of(json!({"keyword": "nothing-like-this", "group_by": ["state"]})).is_empty());
    assert_eq!(
        stat_of(
            json!({"filter_or": [{"k": "size", "v": 2}, {"k": "size", "v": 300}],
                       "group_by": ["project_id"]})
        ),
        [
            json!({"project_id": "", "count": 1}),
            json!({"project_id": "db", "count": 1})
        ]
    );
}

#[test]
fn unknown_keys_are_named_with_the_known_ones() {
    let q: SearchQuery = serde_json::from_value(json!({
        "filter": [{"k": "state", "v": "ENABLED"}, {"k": "colour", "v": "red"}],
        "filter_or": [{"k": "tags.", "v": "x"}],
        "sort": {"key": "weight"},
        "only": ["name", "secret"],
    }))
    .unwrap();
    let e = errors(search(items(), &q, &FIELDS));
    assert_eq!(
        e.keys().collect::<Vec<_>>(),
        [
            "query.filter[1].k",
            "query.filter_or[0].k",
            "query.only[1]",
            "query.sort.key"
        ]
    );
    assert_eq!(
        e["query.filter[1].k"],
        "Unknown key `colour`; one of: id, name, state, size, ratio, event_types, created_at, \
         project_id, plugin_info.plugin_id, tags, tags.KEY"
    );
    assert!(e["query.sort.key"].starts_with("Unknown key `weight`"));
    // Without tags, tags.KEY is unknown too.
    let no_tags = Fields {
        tags: false,
        ..FIELDS
    };
    let q = filtered(vec![cond("tags.env", SearchOp::Eq, json!("prod"))]);
    let e = errors(search(items(), &q, &no_tags));
    assert!(!e["query.filter[0].k"].contains("tags.KEY"), "{e:?}");
    let q: StatQuery = serde_json::from_value(json!({"group_by": ["state", "nope"]})).unwrap();
    let e = errors(stat(items(), &q, &FIELDS));
    assert!(
        e["query.group_by[1]"].starts_with("Unknown key `nope`"),
        "{e:?}"
    );
}

#[test]
fn values_of_the_wrong_kind_are_named() {
    use SearchOp::*;
    let q = filtered(vec![
        cond("name", In, json!("beta")),
        cond("name", NotIn, json!({"a": 1})),
        cond("name", Contain, json!(1)),
        cond("name", NotContain, json!(null)),
        cond("size", Gt, json!(true)),
        cond("size", Lte, json!([1])),
        cond("name", Exists, json!("yes")),
        cond("name", Eq, json!({"any": "value"})),
    ]);
    let e = errors(search(items(), &q, &FIELDS));
    assert_eq!(e["query.filter[0].v"], "`in` needs a list");
    assert_eq!(e["query.filter[1].v"], "`not_in` needs a list");
    assert_eq!(e["query.filter[2].v"], "`contain` needs a text");
    assert_eq!(e["query.filter[3].v"], "`not_contain` needs a text");
    assert_eq!(e["query.filter[4].v"], "`gt` needs a number or a text");
    assert_eq!(e["query.filter[5].v"], "`lte` needs a number or a text");
    assert_eq!(e["query.filter[6].v"], "`exists` needs true or false");
    assert_eq!(e.len(), 7, "eq takes any value: {e:?}");
    // The same checks in stat.
    let q = StatQuery {
        filter_or: vec![cond("name", In, json!(1))],
        ..Default::default()
    };
    let e = errors(stat(items(), &q, &FIELDS));
    assert_eq!(e["query.filter_or[0].v"], "`in` needs a list");
}

#[test]
fn pages_and_sizes_are_bounded() {
    let q = |start: u64, limit: u64| SearchQuery {
        page: Some(SearchPage { start, limit }),
        ..Default::default()
    };
    let e = errors(search(items(), &q(0, 0), &FIELDS));
    assert_eq!(e["query.page.limit"], "must be from 1 to 1000");
    assert_eq!(
        e["query.page.start"],
        "must be from 1 to 9223372036854775807"
    );
    assert!(errors(search(items(), &q(1 << 63, 1), &FIELDS)).contains_key("query.page.start"));
    assert!(errors(search(items(), &q(1, 1001), &FIELDS)).contains_key("query.page.limit"));
    assert!(search(items(), &q(1, 1000), &FIELDS).is_ok());
    let long = filtered(vec![cond(
        "name",
        SearchOp::In,
        Value::Array(vec![json!("x"); MAX_VALUES + 1]),
    )]);
    assert!(errors(search(items(), &long, &FIELDS)).contains_key("query.filter[0].v"));
    let many = filtered(vec![
        cond("name", SearchOp::Eq, json!("x"));
        MAX_CONDITIONS + 1
    ]);
    assert!(errors(search(items(), &many, &FIELDS)).contains_key("query.filter"));
}

#[test]
fn an_unknown_operator_fails_decoding_with_its_name_and_field() {
    let body = br#"{"query": {"filter": [{"k": "name", "v": "a"}, {"k": "name", "v": "a", "o": "like"}]}}"#;
    let e = errors(crate::extract::decode::<webhook_api::SearchRequest>(body));
    let message = &e["query.filter[1].o"];
    assert!(message.contains("`like`"), "{message}");
    assert!(message.contains("eq, not, in"), "{message}");
}

#[test]
fn inbound_ids_break_ties_too() {
    let inbound = vec![
        json!({"webhook_id": "w2", "state": "ENABLED"}),
        json!({"webhook_id": "w1", "state": "ENABLED"}),
    ];
    let q = SearchQuery {
        sort: Some(SearchSort {
            key: "state".into(),
            desc: false,
        }),
        ..Default::default()
    };
    let found = search(inbound, &q, &FIELDS).unwrap();
    assert_eq!(found.results[0]["webhook_id"], "w1");
}
