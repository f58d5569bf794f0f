-- Restart kinds (a reboot, or only services to restart), livepatch, and the exposure a check discovered on the
-- server itself. The discovered facts are kept until a check that could see them again replaces them, so an
-- UNREACHABLE check (or one from an agent that cannot read sockets) never erases them.
alter table restart_state
    add column kind                varchar(16),
    add column services            jsonb        not null default '[]',
    add column detected_by         jsonb        not null default '[]',
    add column livepatch           jsonb,
    add column discovered          jsonb,
    add column discovered_at       timestamptz,
    -- The facts last weighed (when pending, those last published): a change publishes a new assessment.
    add column exposure_facts      jsonb        not null default '[]',
    add column published_services  jsonb        not null default '[]',
    add column published_livepatch jsonb;
-- Everything pending before restart kinds existed was a reboot.
update restart_state set kind = 'REBOOT' where pending or published;

-- Whether an application's policy has been put on restartwatch.policies: policies set before it existed are
-- published at start-up.
alter table application_policy add column published boolean not null default false;
