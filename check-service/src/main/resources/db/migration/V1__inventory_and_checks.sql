-- Inventory: one row per registered server, plus its check schedule and lease.
create table server (
    id                   varchar(63)  primary key,
    hostname             varchar(253) not null,
    host                 varchar(253),
    ssh_port             integer,
    application_id       varchar(63)  not null,
    environment          varchar(63)  not null,
    labels               jsonb        not null default '{}',
    open_ports           jsonb        not null default '[]',
    probe_kind           varchar(16)  not null,
    ssh_user             varchar(32),
    agent_token_hash     varchar(64),
    revision             bigint       not null,
    created_at           timestamptz  not null,
    updated_at           timestamptz  not null,
    -- Scheduling: the next check is due at next_check_at, for next_trigger. A claim leases the row.
    next_check_at        timestamptz,
    next_trigger         varchar(16)  not null default 'SCHEDULED',
    recheck_requested_at timestamptz,
    lease_owner          varchar(64),
    lease_until          timestamptz,
    consecutive_failures integer      not null default 0
);
create index server_by_application on server (application_id, environment);
-- Pull-probed servers by due time: the claim query reads only the due head of this index.
create index server_due on server (next_check_at) where probe_kind <> 'agent';

-- Check history, newest first per server.
create table server_check (
    id               uuid        primary key,
    server_id        varchar(63) not null references server (id) on delete cascade,
    checked_at       timestamptz not null,
    check_trigger    varchar(16) not null,
    outcome          varchar(24) not null,
    reason           varchar(64),
    detail           varchar(500),
    packages         jsonb       not null default '[]',
    required_since   timestamptz,
    boot_id          varchar(64),
    running_kernel   varchar(128),
    installed_kernel varchar(128),
    duration_ms      integer
);
create index server_check_by_server on server_check (server_id, checked_at desc);

-- Transactional outbox (service-support OutboxRelay) and idempotent-consumer log (ProcessedEvents).
create table outbox_event (
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

create table processed_event (
    consumer     varchar(100) not null,
    event_id     varchar(255) not null,
    processed_at timestamptz  not null,
    primary key (consumer, event_id)
);
