-- Notification kinds: a reboot, services to restart (no reboot), or a server Restart Watch cannot vouch for.
-- Every notification so far was about a reboot; the default also keeps an instance of the previous version
-- writing during a rolling upgrade correct (it knows only reboots).
alter table notification add column kind varchar(16) not null default 'REBOOT';
-- SERVICE_RESTART: the services named by the assessment.
alter table notification add column services jsonb not null default '[]';
-- UNVERIFIED: why (ServerFreshness.reason and detail), the last successful check and the last attempt.
alter table notification add column reason varchar(100);
alter table notification add column reason_detail varchar(1000);
alter table notification add column last_verified_at timestamptz;
alter table notification add column last_attempt_at timestamptz;

-- At most one open notification per server and kind, enforced by the database.
drop index notification_one_open_per_server;
create unique index notification_one_open_per_server_kind on notification (server_id, kind) where status = 'OPEN';
-- The dashboard's blind spots and the kind filters.
create index notification_open_by_kind on notification (kind, pending_since) where status = 'OPEN';

-- Which kind each timeline entry is about.
alter table notification_history add column notification_kind varchar(16) not null default 'REBOOT';

-- The last exposure an assessment reported for the server (cleared ones carry it too): an unverified server's level
-- weighs it even when no restart is pending.
alter table assessment_cursor add column exposure varchar(16);

-- The newest restartwatch.freshness sequence applied per server: older or replayed transitions change nothing.
create table freshness_cursor (
    server_id     varchar(63) primary key,
    last_sequence bigint      not null
);
