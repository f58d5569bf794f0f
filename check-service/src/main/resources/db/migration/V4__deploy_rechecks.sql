-- A deploy's pending recheck on the server row: a pull-probed server is claimed with it (next_trigger DEPLOY),
-- an agent server reads it as "report due" (GET /api/agent/due, a primary-key read). Cleared by the check.
alter table server add column deploy_recheck_id varchar(200);
alter table server add column deploy_recheck_at timestamptz;

-- Which deploy a check rechecked, so GET /api/deploys/{app}/{deploy}/rechecks can count it.
alter table server_check add column deploy_id varchar(200);
create index server_check_by_deploy on server_check (deploy_id, server_id, checked_at desc) where deploy_id is not null;

-- Each deploy seen, and the servers it should recheck as they were when it arrived: the view still names a
-- server removed or moved to another application since.
create table deploy (
    application_id varchar(63)  not null,
    deploy_id      varchar(200) not null,
    environment    varchar(63),
    received_at    timestamptz  not null,
    primary key (application_id, deploy_id)
);

create table deploy_target (
    application_id varchar(63)  not null,
    deploy_id      varchar(200) not null,
    server_id      varchar(63)  not null,
    probe_kind     varchar(16)  not null,
    primary key (application_id, deploy_id, server_id),
    foreign key (application_id, deploy_id) references deploy on delete cascade
);
