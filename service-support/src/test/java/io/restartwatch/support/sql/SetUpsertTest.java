package io.restartwatch.support.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The SQL an upsert makes from its declarations (running it is covered by the services' batch tests). */
class SetUpsertTest {

    record Row(String id, int count, Instant at, List<String> tags, String owner) {
    }

    @Test
    void oneCastArrayPerColumnInDeclarationOrderAndOnlyReplacedColumnsUpdated() {
        SetUpsert<Row> upsert = SetUpsert.<Row>into("thing")
                .key("id", "uuid", Row::id)
                .column("count", "integer", Row::count)
                .column("at", "timestamptz", Row::at)
                .json("tags", Row::tags)
                .insertOnly("owner", "varchar", Row::owner);

        assertThat(upsert.sql()).isEqualTo("insert into thing (id, count, at, tags, owner)"
                + " select * from unnest(?::uuid[], ?::integer[], ?::timestamptz[], ?::jsonb[], ?::varchar[])"
                + " on conflict (id) do update set count = excluded.count, at = excluded.at, tags = excluded.tags");
    }

    @Test
    void aTableOfKeysOnlyInsertsWhatIsMissing() {
        SetUpsert<Row> upsert = SetUpsert.<Row>into("seen").key("id", "varchar", Row::id).insertOnly("at", "timestamptz", Row::at);

        assertThat(upsert.sql()).endsWith(" on conflict (id) do nothing");
    }

    @Test
    void anUpsertWithoutAKeyOrChangedAfterUseIsAMistakeSaidAtOnce() {
        assertThatThrownBy(() -> SetUpsert.<Row>into("thing").column("count", "integer", Row::count).sql())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs a key");

        SetUpsert<Row> used = SetUpsert.<Row>into("thing").key("id", "varchar", Row::id);
        used.sql();
        assertThatThrownBy(() -> used.column("count", "integer", Row::count))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already in use");
    }
}
