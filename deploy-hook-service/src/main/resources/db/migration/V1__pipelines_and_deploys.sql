-- Pipeline credentials: a bearer token (stored hashed) and an HMAC secret, scoped to applications.
create table pipeline (
    id              varchar(63)  primary key,
    name            varchar(200) not null,
    application_ids jsonb        not null,
    token_hash      varchar(64)  not null unique,
    -- HMAC verification needs the secret itself; protect the database accordingly.
    hmac_secret     varchar(128) not null,
    created_at      timestamptz  not null,
    rotated_at      timestamptz,
    revoked_at      timestamptz
);

-- Every deploy received, once per (application, deploy id): the idempotency record.
create table deploy (
    application_id varchar(63)  not null,
    deploy_id      varchar(200) not null,
    environment    varchar(63),
    status         varchar(16)  not null,
    event_id       varchar(64),
    pipeline_id    varchar(63)  not null,
    source         varchar(16)  not null,
    received_at    timestamptz  not null,
    primary key (application_id, deploy_id)
);

-- HMAC signatures already accepted, so a captured request cannot be replayed within the time window.
create table seen_signature (
    signature varchar(64) primary key,
    seen_at   timestamptz not null
);

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
