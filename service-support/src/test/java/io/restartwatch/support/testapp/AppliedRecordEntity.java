package io.restartwatch.support.testapp;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The test application's one entity: Hibernate ORM (and so every EntityManager user) starts only with one. */
@Entity
@Table(name = "applied_record")
public class AppliedRecordEntity {

    @Id
    public String id;

    public String value;

    public long tx;
}
