-- Outbound webhooks: where transitions are delivered, signed with the webhook's secret.
create table webhook (
    id         uuid          primary key,
    url        varchar(2000) not null,
    secret     varchar(256),
    min_level  varchar(16)   not null,
    format     varchar(16)   not null,
    active     boolean       not null,
    created_at timestamptz   not null
);

-- One row per (webhook, transition), written in the transition's own transaction (an outbox per receiver):
-- the body is rendered once so every retry sends the same bytes under the same delivery id.
create table webhook_delivery (
    id              uuid         primary key,
    webhook_id      uuid         not null references webhook (id),
    notification_id uuid         not null,
    server_id       varchar(63)  not null,
    event_type      varchar(255) not null,
    body            text         not null,
    status          varchar(16)  not null,
    attempts        integer      not null default 0,
    created_at      timestamptz  not null,
    next_attempt_at timestamptz  not null,
    delivered_at    timestamptz,
    last_error      varchar(1000)
);
-- The dispatcher's work queue: only pending rows, oldest due first.
create index webhook_delivery_due on webhook_delivery (next_attempt_at) where status = 'PENDING';
create index webhook_delivery_by_webhook on webhook_delivery (webhook_id, created_at desc);
create index webhook_delivery_by_notification on webhook_delivery (notification_id, webhook_id);

-- Every attempt of a delivery, for GET /api/webhooks/{id}/deliveries.
create table webhook_attempt (
    id          bigserial     primary key,
    delivery_id uuid          not null references webhook_delivery (id),
    attempt     integer       not null,
    started_at  timestamptz   not null,
    duration_ms bigint        not null,
    status_code integer,
    error       varchar(1000)
);
create index webhook_attempt_by_delivery on webhook_attempt (delivery_id, attempt);
