-- Whether the newest successful check still found /var/run/reboot-required (the sentinel): a restart is proven by a
-- new boot id and no sentinel. reboot_required also counts other evidence (a newer kernel, needrestart), which a
-- reboot onto the old kernel would leave in place although the reboot happened.
alter table plan_server add column sentinel boolean;
