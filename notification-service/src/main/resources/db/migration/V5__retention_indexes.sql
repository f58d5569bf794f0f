-- Retention (NotificationRetention): the old end of cleared notifications, of finished webhook deliveries and of
-- the idempotent-consumer log, and a notification's history and a delivery's attempts by their parent.
create index notification_cleared_at on notification (cleared_at) where status = 'CLEARED';
create index notification_history_by_notification on notification_history (notification_id);
create index webhook_delivery_finished on webhook_delivery (created_at) where status <> 'PENDING';
create index processed_event_processed_at on processed_event (processed_at);
