-- What a plan showed when it was created: each restart's rank and why it is in its wave, and the selected servers
-- the plan could not take (already in a plan, no window, blackout, beyond the horizon).
alter table planned_restart add column rank integer;
alter table planned_restart add column why jsonb;
alter table restart_plan add column unscheduled jsonb not null default '[]'::jsonb;
