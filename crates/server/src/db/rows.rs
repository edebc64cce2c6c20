//! Reading rows and JSON columns the same way on both backends.

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

/// A value stored in a JSON text column. The types stored are plain data (maps, lists,
/// strings), whose serialization cannot fail.
pub fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

/// Reading a row's columns the same way on both backends.
pub trait Cols {
    fn text(&self, col: &str) -> Result<String, sqlx::Error>;
    fn opt_text(&self, col: &str) -> Result<Option<String>, sqlx::Error>;
    fn int(&self, col: &str) -> Result<i64, sqlx::Error>;
    fn opt_int(&self, col: &str) -> Result<Option<i64>, sqlx::Error>;
    fn flag(&self, col: &str) -> Result<bool, sqlx::Error>;

    /// A JSON text column.
    fn json<T: DeserializeOwned>(&self, col: &str) -> Result<T, sqlx::Error> {
        parse_json(&self.text(col)?)
    }

    /// A JSON text column that may be NULL.
    fn opt_json<T: DeserializeOwned>(&self, col: &str) -> Result<Option<T>, sqlx::Error> {
        self.opt_text(col)?.map(|s| parse_json(&s)).transpose()
    }

    /// An enum stored as its wire name (`events`, `zh-CN`, `awaitingRetry`).
    fn wire<T: DeserializeOwned>(&self, col: &str) -> Result<T, sqlx::Error> {
        text_enum(self.text(col)?)
    }

    /// A count or small number stored as a 64-bit integer.
    fn number(&self, col: &str) -> Result<u32, sqlx::Error> {
        u32::try_from(self.int(col)?).map_err(|e| sqlx::Error::Decode(Box::new(e)))
    }
}

macro_rules! impl_cols {
    ($($row:ty),*) => {$(
        impl Cols for $row {
            fn text(&self, col: &str) -> Result<String, sqlx::Error> {
                self.try_get(col)
            }
            fn opt_text(&self, col: &str) -> Result<Option<String>, sqlx::Error> {
                self.try_get(col)
            }
            fn int(&self, col: &str) -> Result<i64, sqlx::Error> {
                self.try_get(col)
            }
            fn opt_int(&self, col: &str) -> Result<Option<i64>, sqlx::Error> {
                self.try_get(col)
            }
            fn flag(&self, col: &str) -> Result<bool, sqlx::Error> {
                self.try_get(col)
            }
        }
    )*};
}

impl_cols!(SqliteRow, PgRow);

pub(crate) fn parse_json<T: DeserializeOwned>(s: &str) -> Result<T, sqlx::Error> {
    serde_json::from_str(s).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// An enum from its wire name.
pub(crate) fn text_enum<T: DeserializeOwned>(s: String) -> Result<T, sqlx::Error> {
    serde_json::from_value(serde_json::Value::String(s))
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// A stored count as the API's unsigned number.
pub(crate) fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}
