-- The fleet read model behind the server, application and fleet pages, built from other services' topics so the
-- browser talks to this one origin. Every table is a projection: it can be rebuilt by replaying the topics.
-- Free text from servers and agents (reasons, kernels, labels) is text: a long value must not poison a check.

-- restartwatch.servers: the newest snapshot per server; a removed server stays as a tombstone (removed = true) so
-- an older snapshot arriving late cannot bring it back.
create table fleet_server (
    server_id      varchar(63)  primary key,
    revision       bigint       not null,
    removed        boolean      not null,
    hostname       text,
    application_id text,
    environment    text,
    labels         jsonb        not null default '{}',
    open_ports     jsonb        not null default '[]',
    probe_kind     text,
    changed_at     timestamptz
);
create index fleet_server_by_application on fleet_server (application_id) where not removed;
create index fleet_server_labels on fleet_server using gin (labels);

-- restartwatch.checks: the last checks per server, bounded by count (restartwatch.fleet.check-history).
create table fleet_check (
    check_id         text         primary key,
    server_id        varchar(63)  not null,
    checked_at       timestamptz  not null,
    trigger          text,
    outcome          text         not null,
    reason           text,
    packages         jsonb        not null default '[]',
    required_since   timestamptz,
    boot_id          text,
    running_kernel   text,
    installed_kernel text,
    services         jsonb        not null default '[]',
    detected_by      jsonb        not null default '[]',
    livepatch        jsonb,
    discovered       jsonb
);
create index fleet_check_by_server on fleet_check (server_id, checked_at desc, check_id desc);

-- restartwatch.priorities: the newest assessment per server (by sequence).
create table fleet_priority (
    server_id      varchar(63)  primary key,
    sequence       bigint       not null,
    pending        boolean      not null,
    level          varchar(16),
    score          integer      not null,
    exposure       varchar(16),
    kind           varchar(16),
    factors        jsonb        not null default '[]',
    surfaces       jsonb        not null default '[]',
    packages       jsonb        not null default '[]',
    services       jsonb        not null default '[]',
    livepatch      jsonb,
    exposure_facts jsonb        not null default '[]',
    required_since timestamptz,
    assessed_at    timestamptz
);
create index fleet_priority_pending on fleet_priority (level, score desc) where pending;

-- restartwatch.freshness: whether each server can currently be vouched for (by sequence).
create table fleet_freshness (
    server_id           varchar(63)  primary key,
    sequence            bigint       not null,
    verified            boolean      not null,
    reason              text,
    detail              text,
    last_verified_at    timestamptz,
    last_attempt_at     timestamptz,
    max_silence_seconds bigint,
    occurred_at         timestamptz
);
create index fleet_freshness_unverified on fleet_freshness (server_id) where not verified;

-- restartwatch.policies: each application's own policy (by changedAt); removed = the defaults apply again.
create table fleet_policy (
    application_id         text             primary key,
    removed                boolean          not null,
    stale_after_seconds    bigint,
    critical_after_seconds bigint,
    multiplier             double precision not null,
    package_weights        jsonb            not null default '{}',
    changed_at             timestamptz      not null
);
