-- V1 created the claim index with probe_kind <> 'agent', but probe kinds are stored in upper case ('AGENT'), as the
-- claim query (ServerClaims) compares them: PostgreSQL could not use the partial index for the claim. Recreated
-- with the stored spelling.
drop index if exists server_due;
create index server_due on server (next_check_at) where probe_kind <> 'AGENT';
