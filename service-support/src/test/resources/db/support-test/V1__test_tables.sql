-- What the tests' effects write: tx is the writing transaction's id, to count commits.
create table applied_record (
    id    varchar(100) primary key,
    value varchar(255) not null,
    tx    bigint       not null
);
