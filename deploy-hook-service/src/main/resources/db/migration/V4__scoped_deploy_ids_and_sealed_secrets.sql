-- A deploy id is the sender's: scope it by source (native, github, gitlab) and credential (pipeline id, GitHub
-- repository, GitLab project), so one sender can never pre-empt another's deploy id. Rows from before this
-- migration keep pipeline_id as credential: the pipeline id for native deploys, the source name for webhooks
-- (their repository was not recorded), so at most an in-flight webhook deploy is published once more.
alter table deploy rename column pipeline_id to credential_id;
alter table deploy alter column credential_id type varchar(255);
alter table deploy drop constraint deploy_pkey;
alter table deploy add primary key (source, credential_id, application_id, deploy_id);

alter table webhook_delivery add column credential_id varchar(255);
update webhook_delivery set credential_id = source;
alter table webhook_delivery alter column credential_id set not null;
alter table webhook_delivery drop constraint webhook_delivery_pkey;
alter table webhook_delivery add primary key (source, credential_id, delivery_id);

-- HMAC secrets are sealed with AES-256-GCM (restartwatch.deploy-hook.secret-encryption-key): "v1:" + base64 of
-- nonce, ciphertext and tag. Rows still in clear are sealed at start-up (Pipelines.sealPlaintextSecrets).
alter table pipeline alter column hmac_secret type varchar(255);
comment on column pipeline.hmac_secret is 'AES-256-GCM sealed: v1:base64(nonce || ciphertext || tag), AAD = pipeline id';
