-- Restarts plan-service released to this service's agent servers (restart.scheduled on restartwatch.restarts),
-- one row per restart id: the agent's due call hands the earliest SCHEDULED one to the agent, which reports
-- started or failed (restart.started / restart.failed through the outbox). restart.cancelled marks it CANCELLED.
create table scheduled_restart (
    restart_id  varchar(100) primary key,
    server_id   varchar(63)  not null references server (id) on delete cascade,
    status      varchar(16)  not null,
    not_before  timestamptz  not null,
    not_after   timestamptz  not null,
    -- The restart.scheduled (or restart.cancelled) data as received: its fields are carried into the events
    -- this service publishes about the restart.
    event       text         not null,
    reason      varchar(64),
    detail      varchar(1000),
    received_at timestamptz  not null,
    updated_at  timestamptz  not null
);
-- The due call's second read: a server's SCHEDULED restarts, earliest first (a handful of rows per server at most).
create index scheduled_restart_due on scheduled_restart (server_id, not_before) where status = 'SCHEDULED';
