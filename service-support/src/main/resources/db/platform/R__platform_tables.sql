-- service-support's own tables, in every service's database (quarkus.flyway.locations=db/migration,db/platform).
--
-- A repeatable migration: Flyway runs it after the service's versioned migrations whenever its checksum changes,
-- and it never takes a version number from the services. Every statement must therefore be idempotent
-- ("if not exists"; a later change adds columns with "add column if not exists"). Databases created before
-- service-support owned these tables already have them, created by the services' own V1 and V2/V3 migrations
-- with exactly these definitions (those migrations stay as they are: Flyway validates applied checksums);
-- PlatformMigrationsTest proves an old database and a fresh one end with the same schema.

-- Transactional outbox: Outbox writes a row in the caller's transaction, OutboxRelay publishes and deletes it.
create table if not exists outbox_event (
    id           bigserial    primary key,
    event_id     varchar(64)  not null,
    topic        varchar(255) not null,
    event_key    varchar(255) not null,
    event_type   varchar(255) not null,
    event_source varchar(255) not null,
    subject      varchar(255),
    occurred_at  timestamptz  not null,
    payload      text         not null
);

-- Where the relay's committed sends end per partition: records past it came from a pass that did not commit,
-- and are recognised (outbox id header) instead of being sent twice (PublishedPositions).
create table if not exists outbox_position (
    topic        varchar(255) not null,
    partition_no integer      not null,
    next_offset  bigint       not null,
    primary key (topic, partition_no)
);

-- The idempotent-consumer log (ProcessedEvents), written in the same transaction as the effect.
create table if not exists processed_event (
    consumer     varchar(100) not null,
    event_id     varchar(255) not null,
    processed_at timestamptz  not null,
    primary key (consumer, event_id)
);
-- Retention deletes by age (RetentionRule.processedEvents).
create index if not exists processed_event_processed_at on processed_event (processed_at);
