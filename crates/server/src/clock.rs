//! The one way the server writes times: RFC 3339 UTC with milliseconds
//! (`2026-11-23T18:16:36.123Z`), a fixed width so stored times sort correctly as text.

use time::OffsetDateTime;
use time::macros::format_description;

/// Now, as stored and returned by the API.
pub fn now() -> String {
    format(OffsetDateTime::now_utc())
}

pub fn format(t: OffsetDateTime) -> String {
    let f =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    // Formatting a UTC time with this fixed description cannot fail (years 0–9999).
    t.to_offset(time::UtcOffset::UTC)
        .format(&f)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixed_width_utc_with_milliseconds() {
        let t = time::macros::datetime!(2026-11-23 18:16:36.1234 +02:00);
        assert_eq!(super::format(t), "2026-11-23T16:16:36.123Z");
        assert_eq!(super::now().len(), 24);
    }
}
