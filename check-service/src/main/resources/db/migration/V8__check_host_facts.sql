-- What a check found beyond the sentinel (schema 2 of check.completed): services to restart, what detected the
-- reboot, livepatch state and the discovered exposure (listening sockets, host firewall). One JSON document,
-- null for checks recorded before it existed and for failed checks.
alter table server_check add column host_facts jsonb;
