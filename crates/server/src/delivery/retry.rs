//! When to try again: the retry schedule (`--retry-schedule 5s,1m,10m,1h,6h,12h`), jitter, the
//! receiver's `Retry-After`, and which failures are worth another try.

use std::time::Duration;
use webhook_api::{DeliveryErrorKind, SendReport};

/// The default schedule: seven tries over about 19 hours, spread by jitter.
pub const DEFAULT_SCHEDULE: &str = "5s,1m,10m,1h,6h,12h";

/// The longest `Retry-After` honoured, so a hostile receiver cannot park a delivery for years.
const RETRY_AFTER_MAX: Duration = Duration::from_secs(24 * 3600);

/// The delays before the 2nd, 3rd, … attempt of a delivery. Its length is the number of retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrySchedule(pub Vec<Duration>);

impl Default for RetrySchedule {
    fn default() -> Self {
        DEFAULT_SCHEDULE.parse().unwrap_or(Self(Vec::new()))
    }
}

impl std::str::FromStr for RetrySchedule {
    type Err = String;

    /// Comma-separated durations: `250ms`, `5s`, `1m`, `2h`, `1d`; empty for no retries.
    fn from_str(s: &str) -> Result<Self, String> {
        s.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(parse_duration)
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

/// `250ms`, `5s`, `1m`, `2h`, `1d`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("'{s}' is not a duration such as 250ms, 5s, 1m, 2h or 1d"))?;
    let unit_ms = match unit {
        "ms" => 1,
        "s" => 1000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(format!("'{s}' has no unit: use ms, s, m, h or d")),
    };
    Ok(Duration::from_millis(n.saturating_mul(unit_ms)))
}

impl RetrySchedule {
    /// The delay after the `failed_in_cycle`-th failed attempt (from 1), ±20 % jitter so that
    /// deliveries that failed together do not all come back together; None when none is left.
    pub fn delay_after(&self, failed_in_cycle: u32) -> Option<Duration> {
        let base = *self
            .0
            .get(usize::try_from(failed_in_cycle).ok()?.checked_sub(1)?)?;
        Some(base.mul_f64(0.8 + 0.4 * fastrand::f64()))
    }
}

/// Whether another try might succeed: timeouts, lost connections, 408, 429 and 5xx. A refused
/// target, a bad name or certificate, a 3xx or another 4xx will fail the same way again.
pub fn is_retryable(report: &SendReport) -> bool {
    match &report.error {
        None => false,
        Some(f) => match f.kind {
            DeliveryErrorKind::Timeout | DeliveryErrorKind::Connect => true,
            DeliveryErrorKind::HttpStatus => report
                .response
                .as_ref()
                .is_some_and(|r| r.status >= 500 || r.status == 429 || r.status == 408),
            _ => false,
        },
    }
}

/// The receiver's `Retry-After` on a 429 or 503: seconds or an HTTP date, capped at a day.
pub fn retry_after(report: &SendReport, now: time::OffsetDateTime) -> Option<Duration> {
    let response = report
        .response
        .as_ref()
        .filter(|r| matches!(r.status, 429 | 503))?;
    let value = response.headers.get("retry-after")?.trim();
    let wait = match value.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => {
            let at =
                time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc2822)
                    .ok()?;
            Duration::try_from(at - now).unwrap_or(Duration::ZERO)
        }
    };
    Some(wait.min(RETRY_AFTER_MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_parse() {
        let s: RetrySchedule = "100ms, 5s,1m,2h,1d".parse().unwrap();
        assert_eq!(s.0[0], Duration::from_millis(100));
        assert_eq!(s.0[4], Duration::from_secs(86_400));
        assert_eq!(RetrySchedule::default().0.len(), 6);
        assert!("5".parse::<RetrySchedule>().is_err());
        assert!("5y".parse::<RetrySchedule>().is_err());
        assert_eq!("".parse::<RetrySchedule>().unwrap().0.len(), 0);
    }

    #[test]
    fn delays_are_jittered_within_a_fifth() {
        let s: RetrySchedule = "10s,20s".parse().unwrap();
        for _ in 0..100 {
            let d = s.delay_after(2).unwrap();
            assert!(
                d >= Duration::from_secs(16) && d <= Duration::from_secs(24),
                "{d:?}"
            );
        }
        assert_eq!(s.delay_after(3), None);
        assert_eq!(s.delay_after(0), None);
    }
}
