-- One notification per pending restart of a server: opened once, updated on escalation, cleared when done.
create table notification (
    id               uuid         primary key,
    server_id        varchar(63)  not null,
    status           varchar(16)  not null,
    hostname         varchar(253),
    application_id   varchar(63),
    environment      varchar(63),
    level            varchar(16)  not null,
    score            integer      not null,
    exposure         varchar(16),
    on_dashboard     boolean      not null,
    on_application   boolean      not null,
    packages         jsonb        not null default '[]',
    factors          jsonb        not null default '[]',
    pending_since    timestamptz,
    message          text         not null,
    opened_at        timestamptz  not null,
    updated_at       timestamptz  not null,
    cleared_at       timestamptz,
    acknowledged_at  timestamptz,
    acknowledged_by  varchar(100),
    acknowledge_note varchar(1000),
    snoozed_until    timestamptz,
    snoozed_at_level varchar(16)
);
-- At most one open notification per server, enforced by the database.
create unique index notification_one_open_per_server on notification (server_id) where status = 'OPEN';
create index notification_dashboard on notification (score desc, pending_since) where status = 'OPEN' and on_dashboard;
create index notification_by_application on notification (application_id) where status = 'OPEN';
create index notification_by_opened on notification (opened_at desc);

-- The newest assessment sequence applied per server: older or replayed assessments change nothing.
create table assessment_cursor (
    server_id     varchar(63) primary key,
    last_sequence bigint      not null
);

-- Everything that happened to a server's notifications, for the timeline.
create table notification_history (
    id              bigserial    primary key,
    notification_id uuid         not null references notification (id),
    server_id       varchar(63)  not null,
    kind            varchar(16)  not null,
    level           varchar(16),
    occurred_at     timestamptz  not null,
    actor           varchar(100),
    note            varchar(1000)
);
create index notification_history_by_server on notification_history (server_id, occurred_at desc, id desc);

create table outbox_event (
    id           bigserial    primary key,
    event_id     varchar(64)  not null,
    topic        varchar(255) not null,
    event_key    varchar(255) not null,
    event_type   varchar(255) not null,
    event_source varchar(255) not null,
    subject      varchar(255),
    occurred_at  timestamptz  not null,
    payload      text         not null
);

create table processed_event (
    consumer     varchar(100) not null,
    event_id     varchar(255) not null,
    processed_at timestamptz  not null,
    primary key (consumer, event_id)
);
