//! The per-webhook rate limit of inbound requests: a token bucket per inbound webhook that holds
//! a minute's worth of requests and refills evenly. Kept in memory, so with several instances
//! each allows its own share (a load balancer spreads a sender over them).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

#[derive(Debug)]
pub struct RateLimit {
    per_minute: u32,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimit {
    /// `per_minute` 0 turns the limit off.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request for `webhook_id`; Err(seconds to wait) when the bucket is empty.
    pub fn take(&self, webhook_id: &str) -> Result<(), u64> {
        self.take_at(webhook_id, Instant::now())
    }

    fn take_at(&self, webhook_id: &str, now: Instant) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        // Buckets of webhooks quiet long enough to be full again carry no information.
        if buckets.len() > 10_000 {
            buckets
                .retain(|_, (_, at)| now.duration_since(*at).as_secs_f64() * per_second < capacity);
        }
        let (tokens, at) = buckets
            .entry(webhook_id.to_string())
            .or_insert((capacity, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * per_second).min(capacity);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / per_second).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_minute_of_requests_then_waits() {
        let limit = RateLimit::new(60);
        let t0 = Instant::now();
        for _ in 0..60 {
            assert_eq!(limit.take_at("a", t0), Ok(()));
        }
        assert_eq!(limit.take_at("a", t0), Err(1));
        assert_eq!(
            limit.take_at("b", t0),
            Ok(()),
            "each webhook has its own bucket"
        );
        assert_eq!(limit.take_at("a", t0 + Duration::from_secs(2)), Ok(()));
        assert!(RateLimit::new(0).take("a").is_ok());
    }
}
