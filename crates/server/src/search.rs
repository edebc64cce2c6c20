//! Seed 001's search and stat, evaluated over resources as the API returns them (JSON), so one
//! implementation serves every resource and both backends: the routes load the live resources,
//! turn them into their API JSON and hand them here with the [`Fields`] a query may name.
//!
//! Semantics, for filters `{"k", "v", "o"}` (all of `filter`, and one of `filter_or` when given):
//! - A key is a dotted path into the JSON (`plugin_info.plugin_id`); `tags.KEY` takes everything
//!   after `tags.` as the tag's key (tag keys may hold dots). A missing field is `null`.
//! - `eq` / `not` compare JSON values: numbers numerically, everything else exactly (`"1"` is not
//!   `1`); `v: null` matches a missing or null field. `in` / `not_in` take a list of such values.
//! - `contain` / `not_contain` take a text: a case-insensitive substring of a text field.
//! - `gt`, `gte`, `lt`, `lte` take a number or a text: numbers numerically, texts as text (RFC 3339
//!   UTC times sort as text). A field of the other kind, or missing, never matches.
//! - `exists` takes true or false: whether the field is present and not null or empty (`""`, `[]`,
//!   `{}`).
//! - On a list field (`event_types`) a condition holds when it holds for any element, and the
//!   negations (`not`, `not_in`, `not_contain`) when it holds for none, as in MongoDB, which
//!   seed 001's service queries; `eq` with a list `v` compares the whole list.
//!
//! The keyword is a case-insensitive substring of any of [`Fields::keyword`]. Results keep the
//! order of `items` unless sorted; a sort is stable and breaks ties on the resource's id (`id`,
//! or `webhook_id` for inbound webhooks), in the sort's direction, as the list does.

use crate::error::ApiError;
use serde_json::{Map, Number, Value};
use std::cmp::Ordering;
use std::collections::HashMap;
use webhook_api::{
    Condition, FieldErrors, SearchOp, SearchQuery, SearchResults, StatQuery, StatResults,
};

/// What a query may name on one resource.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Dotted keys allowed in filters, sort, `only` and `group_by`.
    pub keys: &'static [&'static str],
    /// Whether `tags.ANYKEY` is allowed too.
    pub tags: bool,
    /// The text fields the keyword is matched against.
    pub keyword: &'static [&'static str],
}

/// The largest page.
pub const MAX_LIMIT: u64 = 1000;
/// The most values an `in` / `not_in` list may hold, and the most conditions a query may have:
/// enough for any console or script, and a bound on the work one request can ask for.
pub const MAX_VALUES: usize = 1000;
pub const MAX_CONDITIONS: usize = 100;

/// The resources matching `q`, sorted, paged and projected as it asks, and how many matched.
pub fn search(
    items: Vec<Value>,
    q: &SearchQuery,
    fields: &Fields,
) -> Result<SearchResults, ApiError> {
    let mut errors = FieldErrors::new();
    let matcher = Matcher::new(
        &q.filter,
        &q.filter_or,
        q.keyword.as_deref(),
        fields,
        &mut errors,
    );
    if let Some(sort) = &q.sort {
        check_key(&sort.key, "query.sort.key", fields, &mut errors);
    }
    for (i, key) in q.only.iter().enumerate() {
        check_key(key, &format!("query.only[{i}]"), fields, &mut errors);
    }
    if let Some(page) = &q.page {
        if !(1..=MAX_LIMIT).contains(&page.limit) {
            errors.insert(
                "query.page.limit".into(),
                format!("must be from 1 to {MAX_LIMIT}"),
            );
        }
        // An int64, as the document says: past any list, and as far as clients count.
        if !(1..=i64::MAX as u64).contains(&page.start) {
            errors.insert(
                "query.page.start".into(),
                format!("must be from 1 to {}", i64::MAX),
            );
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }

    let mut matched: Vec<Value> = items.into_iter().filter(|i| matcher.holds(i)).collect();
    let total_count = matched.len() as u64;
    if q.count_only {
        return Ok(SearchResults {
            results: Vec::new(),
            total_count,
        });
    }
    if let Some(sort) = &q.sort {
        matched.sort_by(|a, b| {
            let o = order(lookup(a, &sort.key), lookup(b, &sort.key))
                .then_with(|| order(id_of(a), id_of(b)));
            if sort.desc { o.reverse() } else { o }
        });
    }
    if let Some(page) = &q.page {
        let skip = usize::try_from(page.start - 1).unwrap_or(usize::MAX);
        let take = usize::try_from(page.limit).unwrap_or(usize::MAX);
        matched = matched.into_iter().skip(skip).take(take).collect();
    }
    if !q.only.is_empty() {
        matched = matched.iter().map(|item| project(item, &q.only)).collect();
    }
    Ok(SearchResults {
        results: matched,
        total_count,
    })
}

/// How many resources match `q`, per distinct combination of the `group_by` fields: one row
/// `{"<key>": value, …, "count": n}` per group (a missing field groups as null), largest first,
/// equal counts in the order of their values; without `group_by`, the one row `{"count": n}`.
pub fn stat(items: Vec<Value>, q: &StatQuery, fields: &Fields) -> Result<StatResults, ApiError> {
    let mut errors = FieldErrors::new();
    let matcher = Matcher::new(
        &q.filter,
        &q.filter_or,
        q.keyword.as_deref(),
        fields,
        &mut errors,
    );
    for (i, key) in q.group_by.iter().enumerate() {
        check_key(key, &format!("query.group_by[{i}]"), fields, &mut errors);
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }

    let matched = items.iter().filter(|i| matcher.holds(i));
    if q.group_by.is_empty() {
        let count = matched.count() as u64;
        return Ok(StatResults {
            results: vec![serde_json::json!({ "count": count })],
        });
    }
    // Keyed by the group's values as JSON text: equal values, equal text (numbers included, as
    // they come from one serializer).
    let mut groups: HashMap<String, (Vec<Value>, u64)> = HashMap::new();
    for item in matched {
        let values: Vec<Value> = q
            .group_by
            .iter()
            .map(|k| lookup(item, k).cloned().unwrap_or(Value::Null))
            .collect();
        let key = serde_json::to_string(&values).unwrap_or_default();
        groups.entry(key).or_insert_with(|| (values, 0)).1 += 1;
    }
    let mut rows: Vec<(Vec<Value>, u64)> = groups.into_values().collect();
    rows.sort_by(|(a, n), (b, m)| {
        m.cmp(n).then_with(|| {
            a.iter()
                .zip(b)
                .map(|(x, y)| order(Some(x), Some(y)))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        })
    });
    let results = rows
        .into_iter()
        .map(|(values, count)| {
            let mut row = Map::new();
            for (key, value) in q.group_by.iter().zip(values) {
                row.insert(key.clone(), value);
            }
            row.insert("count".into(), count.into());
            Value::Object(row)
        })
        .collect();
    Ok(StatResults { results })
}

/// The filters and the keyword of a query, checked.
struct Matcher<'q> {
    all: Vec<Test<'q>>,
    any: Vec<Test<'q>>,
    /// Lower-cased; None when there is no keyword.
    keyword: Option<String>,
    keyword_fields: &'static [&'static str],
}

/// One condition, checked: its key known and its value of the kind its operator needs.
struct Test<'q> {
    key: &'q str,
    op: SearchOp,
    v: &'q Value,
    /// `contain` / `not_contain`: `v` lower-cased.
    text: String,
}

impl<'q> Matcher<'q> {
    fn new(
        filter: &'q [Condition],
        filter_or: &'q [Condition],
        keyword: Option<&str>,
        fields: &Fields,
        errors: &mut FieldErrors,
    ) -> Self {
        if filter.len() + filter_or.len() > MAX_CONDITIONS {
            errors.insert(
                "query.filter".into(),
                format!("at most {MAX_CONDITIONS} conditions in filter and filter_or together"),
            );
        }
        Self {
            all: compile(filter, "query.filter", fields, errors),
            any: compile(filter_or, "query.filter_or", fields, errors),
            keyword: keyword
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(str::to_lowercase),
            keyword_fields: fields.keyword,
        }
    }

    fn holds(&self, item: &Value) -> bool {
        self.all.iter().all(|t| t.holds(item))
            && (self.any.is_empty() || self.any.iter().any(|t| t.holds(item)))
            && self.keyword.as_deref().is_none_or(|k| {
                self.keyword_fields
                    .iter()
                    .any(|f| any_element(lookup(item, f), |v| contains(v, k)))
            })
    }
}

fn compile<'q>(
    conditions: &'q [Condition],
    list: &str,
    fields: &Fields,
    errors: &mut FieldErrors,
) -> Vec<Test<'q>> {
    let mut tests = Vec::with_capacity(conditions.len());
    for (i, c) in conditions.iter().enumerate() {
        let known = check_key(&c.k, &format!("{list}[{i}].k"), fields, errors);
        let needs = match c.o {
            SearchOp::Eq | SearchOp::Not => None,
            SearchOp::In | SearchOp::NotIn => match c.v.as_array() {
                None => Some("a list".to_string()),
                Some(vs) if vs.len() > MAX_VALUES => {
                    Some(format!("a list of at most {MAX_VALUES} values"))
                }
                Some(_) => None,
            },
            SearchOp::Contain | SearchOp::NotContain => {
                (!c.v.is_string()).then(|| "a text".to_string())
            }
            SearchOp::Gt | SearchOp::Gte | SearchOp::Lt | SearchOp::Lte => {
                (!(c.v.is_number() || c.v.is_string())).then(|| "a number or a text".to_string())
            }
            SearchOp::Exists => (!c.v.is_boolean()).then(|| "true or false".to_string()),
        };
        if let Some(needs) = needs {
            errors.insert(
                format!("{list}[{i}].v"),
                format!("`{}` needs {needs}", op_name(c.o)),
            );
            continue;
        }
        if known {
            tests.push(Test {
                key: &c.k,
                op: c.o,
                v: &c.v,
                text: c.v.as_str().map(str::to_lowercase).unwrap_or_default(),
            });
        }
    }
    tests
}

impl Test<'_> {
    fn holds(&self, item: &Value) -> bool {
        let field = lookup(item, self.key);
        let equals = |v: &Value| match field {
            // A list field holds a value when an element equals it, or the whole list does.
            Some(Value::Array(elements)) if !v.is_array() => elements.iter().any(|e| same(e, v)),
            Some(f) => same(f, v),
            None => v.is_null(),
        };
        let compares = |accept: fn(Ordering) -> bool| {
            any_element(field, |f| compare(f, self.v).is_some_and(accept))
        };
        let listed = || self.v.as_array().is_some_and(|vs| vs.iter().any(&equals));
        match self.op {
            SearchOp::Eq => equals(self.v),
            SearchOp::Not => !equals(self.v),
            SearchOp::In => listed(),
            SearchOp::NotIn => !listed(),
            SearchOp::Contain => any_element(field, |f| contains(f, &self.text)),
            SearchOp::NotContain => !any_element(field, |f| contains(f, &self.text)),
            SearchOp::Gt => compares(Ordering::is_gt),
            SearchOp::Gte => compares(Ordering::is_ge),
            SearchOp::Lt => compares(Ordering::is_lt),
            SearchOp::Lte => compares(Ordering::is_le),
            SearchOp::Exists => Some(present(field)) == self.v.as_bool(),
        }
    }
}

/// Whether `key` may be named; if not, the error under `field`.
fn check_key(key: &str, field: &str, fields: &Fields, errors: &mut FieldErrors) -> bool {
    let tag = fields.tags && key.strip_prefix("tags.").is_some_and(|t| !t.is_empty());
    if tag || fields.keys.contains(&key) {
        return true;
    }
    let mut known = fields.keys.join(", ");
    if fields.tags {
        known.push_str(", tags.KEY");
    }
    errors.insert(
        field.into(),
        format!("Unknown key `{key}`; one of: {known}"),
    );
    false
}

/// The value at a dotted key; `tags.KEY` is the tag `KEY`, dots and all.
fn lookup<'v>(item: &'v Value, key: &str) -> Option<&'v Value> {
    if let Some(tag) = key.strip_prefix("tags.") {
        return item.get("tags")?.get(tag);
    }
    key.split('.').try_fold(item, |v, part| v.get(part))
}

/// The id a sort breaks its ties on.
fn id_of(item: &Value) -> Option<&Value> {
    item.get("id").or_else(|| item.get("webhook_id"))
}

/// Whether `test` holds for the field, or for any element of a list field.
fn any_element(field: Option<&Value>, test: impl Fn(&Value) -> bool) -> bool {
    match field {
        Some(Value::Array(elements)) => elements.iter().any(test),
        Some(v) => test(v),
        None => false,
    }
}

/// JSON equality with numbers compared numerically (`1` is `1.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => numbers(x, y) == Some(Ordering::Equal),
        _ => a == b,
    }
}

/// A text field containing `lower` (already lower-cased), ignoring case.
fn contains(field: &Value, lower: &str) -> bool {
    field
        .as_str()
        .is_some_and(|s| s.to_lowercase().contains(lower))
}

/// Numbers with numbers, texts with texts; anything else is not comparable.
fn compare(field: &Value, v: &Value) -> Option<Ordering> {
    match (field, v) {
        (Value::Number(x), Value::Number(y)) => numbers(x, y),
        (Value::String(x), Value::String(y)) => Some(x.as_str().cmp(y.as_str())),
        _ => None,
    }
}

fn numbers(x: &Number, y: &Number) -> Option<Ordering> {
    if let (Some(a), Some(b)) = (x.as_i64(), y.as_i64()) {
        return Some(a.cmp(&b));
    }
    if let (Some(a), Some(b)) = (x.as_u64(), y.as_u64()) {
        return Some(a.cmp(&b));
    }
    x.as_f64()?.partial_cmp(&y.as_f64()?)
}

fn present(field: Option<&Value>) -> bool {
    match field {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
        Some(_) => true,
    }
}

/// The sort order of any two field values: missing and null first, then false, true, numbers,
/// texts, lists (element by element) and objects.
fn order(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    fn rank(v: Option<&Value>) -> u8 {
        match v {
            None | Some(Value::Null) => 0,
            Some(Value::Bool(_)) => 1,
            Some(Value::Number(_)) => 2,
            Some(Value::String(_)) => 3,
            Some(Value::Array(_)) => 4,
            Some(Value::Object(_)) => 5,
        }
    }
    match (a, b) {
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (Some(Value::Number(x)), Some(Value::Number(y))) => {
            numbers(x, y).unwrap_or(Ordering::Equal)
        }
        (Some(Value::String(x)), Some(Value::String(y))) => x.cmp(y),
        (Some(Value::Array(x)), Some(Value::Array(y))) => x
            .iter()
            .zip(y)
            .map(|(p, q)| order(Some(p), Some(q)))
            .find(|o| o.is_ne())
            .unwrap_or_else(|| x.len().cmp(&y.len())),
        (Some(x @ Value::Object(_)), Some(y @ Value::Object(_))) => {
            x.to_string().cmp(&y.to_string())
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

/// The item with only the `only` keys, nested as in the item (`{"tags": {"env": …}}`); keys
/// the item lacks are left out.
fn project(item: &Value, only: &[String]) -> Value {
    let mut out = Map::new();
    for key in only {
        let Some(value) = lookup(item, key) else {
            continue;
        };
        let path: Vec<&str> = match key.strip_prefix("tags.") {
            Some(tag) => vec!["tags", tag],
            None => key.split('.').collect(),
        };
        let (last, parents) = path.split_last().expect("a key has a part");
        let mut at = &mut out;
        for part in parents {
            let slot = at
                .entry(part.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            at = slot.as_object_mut().expect("just made an object");
        }
        at.insert(last.to_string(), value.clone());
    }
    Value::Object(out)
}

fn op_name(op: SearchOp) -> &'static str {
    match op {
        SearchOp::Eq => "eq",
        SearchOp::Not => "not",
        SearchOp::In => "in",
        SearchOp::NotIn => "not_in",
        SearchOp::Contain => "contain",
        SearchOp::NotContain => "not_contain",
        SearchOp::Gt => "gt",
        SearchOp::Gte => "gte",
        SearchOp::Lt => "lt",
        SearchOp::Lte => "lte",
        SearchOp::Exists => "exists",
    }
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
