-- GitHub / GitLab deliveries already handled (X-GitHub-Delivery, GitLab's Idempotency-Key), so a redelivery
-- answers what the first one answered. Forgotten after restartwatch.deploy-hook.delivery-retention.
create table webhook_delivery (
    source         varchar(16)  not null,
    delivery_id    varchar(200) not null,
    application_id varchar(63)  not null,
    deploy_id      varchar(200) not null,
    received_at    timestamptz  not null,
    primary key (source, delivery_id)
);

create index webhook_delivery_received_at on webhook_delivery (received_at);
create index seen_signature_seen_at on seen_signature (seen_at);
