-- Freshness: whether Restart Watch can currently vouch for a server's restart state. Written only by SQL
-- (persistence/FreshnessRows): the inventory's entity updates never overwrite what the freshness job set.
alter table server add column last_verified_at     timestamptz;  -- last successful check (REBOOT_REQUIRED / UP_TO_DATE)
alter table server add column last_attempt_at      timestamptz;  -- last check of any outcome
alter table server add column last_attempt_outcome varchar(24);
alter table server add column last_attempt_reason  varchar(64);  -- why the last check failed; null when it succeeded
alter table server add column last_attempt_detail  varchar(500);
alter table server add column unverified_since     timestamptz;  -- null while verified
alter table server add column unverified_reason    varchar(64);
alter table server add column unverified_detail    varchar(500);
alter table server add column freshness_sequence   bigint not null default 0;  -- grows per transition

-- The freshness job's scan: verified servers by the time their silence started, oldest first.
create index server_silent_since on server ((coalesce(last_verified_at, created_at))) where unverified_since is null;
-- The unverified gauge and ?verified=false: only the (few) unverified rows.
create index server_unverified on server (id) where unverified_since is not null;
