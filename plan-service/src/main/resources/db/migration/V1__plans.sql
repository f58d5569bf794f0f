-- plan-service's read model of the fleet: what each server is (inventory), how urgent its pending restart is
-- (priorities) and what its last check saw (boot id, sentinel) — built from the other services' topics.
create table plan_server (
    server_id          varchar(255) primary key,
    hostname           varchar(255),
    application_id     varchar(255),
    environment        varchar(255),
    labels             jsonb        not null default '{}'::jsonb,
    probe_kind         varchar(32),
    removed            boolean      not null default false,
    inventory_revision bigint       not null default 0,
    -- From priority.assessed (kind REBOOT only: a plan reboots servers; service restarts are not planned).
    pending            boolean      not null default false,
    level              varchar(32),
    score              integer      not null default 0,
    exposure           varchar(32),
    required_since     timestamptz,
    assessed_sequence  bigint       not null default 0,
    -- From check.completed: the newest successful check.
    boot_id            varchar(255),
    reboot_required    boolean,
    last_checked_at    timestamptz,
    updated_at         timestamptz  not null
);
create index plan_server_application on plan_server (application_id);

-- Windows and limits per application and environment ('*' = every environment of the application).
create table restart_policy (
    application_id   varchar(255) not null,
    environment      varchar(255) not null default '*',
    time_zone        varchar(64)  not null,
    windows          jsonb        not null default '[]'::jsonb,
    blackouts        jsonb        not null default '[]'::jsonb,
    max_unavailable  varchar(16)  not null default '1',
    restart_timeout  varchar(32)  not null default 'PT15M',
    health_url       varchar(2048),
    auto_plan        jsonb,
    updated_by       varchar(255),
    updated_at       timestamptz  not null,
    primary key (application_id, environment)
);

-- Fleet-wide settings: a single row.
create table fleet_limits (
    id              integer      primary key check (id = 1),
    max_concurrent  integer      not null,
    blackouts       jsonb        not null default '[]'::jsonb,
    updated_by      varchar(255),
    updated_at      timestamptz  not null
);

create table restart_plan (
    plan_id         varchar(64)  primary key,
    application_id  varchar(255),
    selection       jsonb        not null,
    status          varchar(32)  not null,
    current_wave    integer      not null default 0,
    waves           integer      not null,
    hold_reason     varchar(64),
    hold_detail     text,
    status_reason   text,
    auto            boolean      not null default false,
    created_by      varchar(255) not null,
    created_at      timestamptz  not null,
    approved_by     varchar(255),
    approved_at     timestamptz,
    finished_at     timestamptz,
    updated_at      timestamptz  not null,
    version         bigint       not null default 0
);
create index restart_plan_active on restart_plan (status) where status in ('RUNNING', 'PAUSED', 'HALTED');

-- One planned restart of one server. Its id is the command's id: an executor acts on it at most once.
create table planned_restart (
    restart_id        varchar(64)  primary key,
    plan_id           varchar(64)  not null references restart_plan (plan_id),
    server_id         varchar(255) not null,
    hostname          varchar(255),
    application_id    varchar(255),
    environment       varchar(255),
    wave              integer      not null,
    planned_at        timestamptz,
    level             varchar(32),
    score             integer      not null default 0,
    exposure          varchar(32),
    status            varchar(32)  not null,
    released_at       timestamptz,
    not_before        timestamptz,
    not_after         timestamptz,
    baseline_boot_id  varchar(255),
    started_at        timestamptz,
    executor          varchar(255),
    finished_at       timestamptz,
    failure_reason    varchar(64),
    failure_detail    text
);
create index planned_restart_plan on planned_restart (plan_id, wave);
create index planned_restart_server on planned_restart (server_id);
create index planned_restart_in_progress on planned_restart (status) where status in ('SCHEDULED', 'STARTED');

-- Consumed event ids, for idempotent consumers (service-support's ProcessedEvents).
create table processed_event (
    consumer     varchar(100) not null,
    event_id     varchar(255) not null,
    processed_at timestamptz  not null,
    primary key (consumer, event_id)
);
create index processed_event_processed_at on processed_event (processed_at);

-- Transactional outbox (service-support's Outbox and OutboxRelay).
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
