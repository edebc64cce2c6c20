-- Retention (issue 11): the pruner walks each table by age; these keep its batches short.
CREATE INDEX deliveries_finished ON deliveries (updated_at) WHERE status IN ('succeeded', 'failed');
CREATE INDEX attempts_started ON attempts (started_at);
CREATE INDEX inbound_requests_received ON inbound_requests (received_at);
CREATE INDEX sessions_expiry ON sessions (expires_at);
