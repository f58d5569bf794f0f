-- Each server's profile, copied from restartwatch.servers (newest revision wins).
create table server_profile (
    server_id      varchar(63)  primary key,
    revision       bigint       not null,
    removed        boolean      not null default false,
    hostname       varchar(253),
    application_id varchar(63),
    environment    varchar(63),
    open_ports     jsonb        not null default '[]'
);

-- Each server's restart state, built from restartwatch.checks, and its last published assessment.
create table restart_state (
    server_id         varchar(63)  primary key,
    application_id    varchar(63),
    environment       varchar(63),
    hostname          varchar(253),
    pending           boolean      not null default false,
    required_since    timestamptz,
    packages          jsonb        not null default '[]',
    boot_id           varchar(64),
    running_kernel    varchar(128),
    installed_kernel  varchar(128),
    last_check_id     varchar(64),
    last_check_at     timestamptz,
    -- The last published assessment: what changed is decided against it.
    sequence          bigint       not null default 0,
    published         boolean      not null default false,
    level             varchar(16),
    score             integer,
    score_band        integer,
    exposure          varchar(16),
    surfaces          jsonb        not null default '[]',
    published_packages jsonb       not null default '[]',
    factors           jsonb        not null default '[]',
    assessed_at       timestamptz,
    -- When age crosses the next threshold (a day boundary, staleAfter, criticalAfter) it is re-assessed.
    next_reassess_at  timestamptz
);
create index restart_state_reassess on restart_state (next_reassess_at) where pending;
create index restart_state_by_score on restart_state (score desc, required_since) where pending;

-- Per-application policy; absent means the defaults.
create table application_policy (
    application_id  varchar(63)  primary key,
    stale_after     varchar(32)  not null,
    critical_after  varchar(32)  not null,
    multiplier      numeric(4,2) not null default 1.0,
    package_weights jsonb        not null default '{}',
    updated_at      timestamptz  not null
);

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
