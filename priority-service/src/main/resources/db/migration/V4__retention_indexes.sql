-- Retention (PriorityRetention): the old end of the idempotent-consumer log.
create index processed_event_processed_at on processed_event (processed_at);
