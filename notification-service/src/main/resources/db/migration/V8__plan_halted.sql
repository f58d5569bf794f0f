-- PLAN_HALTED: a restart plan halted on this server (plan.halted on restartwatch.restarts). The plan's id clears it
-- when the plan is resumed, cancelled or completes; its restart's id names what halted it.
alter table notification add column plan_id varchar(100);
alter table notification add column restart_id varchar(100);
create index notification_open_by_plan on notification (plan_id) where status = 'OPEN' and plan_id is not null;
