//! Integers in request bodies as JSON means them: a number with no fraction, however written.
//! JSON Schema's `integer` (the OpenAPI document's) includes `10.0`; serde alone refuses it for a
//! `u32`. Fields read with these take `10`, `10.0` and `1e1` alike, and refuse `10.5`.

use serde::Deserialize;
use serde::de::{Deserializer, Error};
use serde_json::Number;

/// `#[serde(deserialize_with = "crate::whole::int")]`.
pub fn int<'de, D: Deserializer<'de>, T: TryFrom<i128>>(d: D) -> Result<T, D::Error> {
    let n = Number::deserialize(d)?;
    convert(&n).ok_or_else(|| {
        D::Error::custom(format!(
            "invalid value: {n}, expected a whole number in range"
        ))
    })
}

/// [`int`] for an optional field (`null` or absent is `None`; give it `#[serde(default)]`).
pub fn opt_int<'de, D: Deserializer<'de>, T: TryFrom<i128>>(d: D) -> Result<Option<T>, D::Error> {
    match Option::<Number>::deserialize(d)? {
        None => Ok(None),
        Some(n) => convert(&n).map(Some).ok_or_else(|| {
            D::Error::custom(format!(
                "invalid value: {n}, expected a whole number in range"
            ))
        }),
    }
}

/// A JSON value as an `i64` when it is a whole number in range (`10`, `10.0`).
pub fn value_i64(v: &serde_json::Value) -> Option<i64> {
    v.as_number().and_then(convert)
}

fn convert<T: TryFrom<i128>>(n: &Number) -> Option<T> {
    let i = if let Some(i) = n.as_i64() {
        i128::from(i)
    } else if let Some(u) = n.as_u64() {
        i128::from(u)
    } else {
        let f = n.as_f64()?;
        // Past 2^53 a float no longer says which integer it was (`-9223372036854775809` reads as
        // i64::MIN); integers that large are written as integers.
        if f.fract() != 0.0 || f.abs() > 9_007_199_254_740_992.0 {
            return None;
        }
        f as i128
    };
    T::try_from(i).ok()
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Body {
        #[serde(deserialize_with = "super::int")]
        n: u32,
        #[serde(default, deserialize_with = "super::opt_int")]
        v: Option<i64>,
    }

    fn read(s: &str) -> Result<Body, String> {
        serde_json::from_str(s).map_err(|e| e.to_string())
    }

    #[test]
    fn whole_numbers_in_any_spelling() {
        for s in [r#"{"n": 10}"#, r#"{"n": 10.0}"#, r#"{"n": 1e1}"#] {
            assert_eq!(read(s), Ok(Body { n: 10, v: None }), "{s}");
        }
        assert_eq!(read(r#"{"n": 1, "v": -2.0}"#).unwrap().v, Some(-2));
        assert_eq!(read(r#"{"n": 1, "v": null}"#).unwrap().v, None);
        for s in [
            r#"{"n": 10.5}"#,
            r#"{"n": -1}"#,
            r#"{"n": 4294967296}"#,
            r#"{"n": 1e300}"#,
            r#"{"n": 1e17}"#,
        ] {
            assert!(
                read(s).unwrap_err().contains("expected a whole number"),
                "{s}"
            );
        }
        assert!(
            read(r#"{"n": "ten"}"#)
                .unwrap_err()
                .starts_with("invalid type")
        );
    }
}
