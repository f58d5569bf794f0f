-- Which check-service instance ran each check: shows how a fleet is shared between instances.
alter table server_check add column checked_by varchar(64);
