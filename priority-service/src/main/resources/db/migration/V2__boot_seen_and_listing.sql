-- When the current boot id was last reported: a different boot id later proves a reboot after this instant,
-- which tells a restart that is done from a sentinel that survived a reboot.
alter table restart_state add column boot_seen_at timestamptz;
update restart_state set boot_seen_at = last_check_at where boot_id is not null;

-- GET /api/priorities filters pending restarts by application and by surface, then pages them by score.
create index restart_state_by_application on restart_state (application_id, score desc, required_since) where pending;
create index restart_state_surfaces on restart_state using gin (surfaces jsonb_path_ops) where pending;
