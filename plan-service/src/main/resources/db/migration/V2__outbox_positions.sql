-- Where the outbox relay's committed sends end per partition: records past it came from a pass that did not
-- commit, and are recognised (outbox id header) instead of being sent twice.
create table outbox_position (
    topic        varchar(255) not null,
    partition_no integer      not null,
    next_offset  bigint       not null,
    primary key (topic, partition_no)
);
