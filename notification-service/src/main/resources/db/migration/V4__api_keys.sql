-- API keys this Restart Watch issues. Only the SHA-256 of a key is kept; the key is shown once, at creation.
-- Every service learns the same rows from the compacted restartwatch.apikeys topic.
create table api_key (
    key_id       varchar(16)  primary key,
    name         varchar(100) not null,
    sha256       varchar(64)  not null unique,
    roles        varchar(100) not null,
    created_at   timestamptz  not null,
    created_by   varchar(200) not null,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    revoked_by   varchar(200),
    last_used_at timestamptz
);
