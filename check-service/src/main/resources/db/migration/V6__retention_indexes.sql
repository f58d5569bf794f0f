-- Retention (CheckRetention): the old end of the check history and of the idempotent-consumer log.
create index server_check_checked_at on server_check (checked_at);
create index processed_event_processed_at on processed_event (processed_at);
