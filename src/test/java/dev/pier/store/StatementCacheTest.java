package dev.pier.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatementCacheTest {

    @TempDir
    Path home;

    Jdbi jdbi;
    final List<PreparedStatement> executed = new ArrayList<>();

    @BeforeEach
    void open() {
        jdbi = Database.openSqlite(home).jdbi();
        jdbi.useHandle(h -> h.execute("create table t (k integer primary key, v text)"));
        jdbi.useHandle(h -> h.execute("insert into t values (1, 'one'), (2, 'two'), (3, 'three')"));
    }

    private final StatementCustomizer record = new StatementCustomizer() {
        @Override
        public void beforeExecution(PreparedStatement stmt, StatementContext ctx) {
            executed.add(stmt);
        }
    };

    private String value(org.jdbi.v3.core.Handle h, int k) {
        return h.createQuery("select v from t where k = :k").bind("k", k).addCustomizer(record)
                .mapTo(String.class).one();
    }

    @Test
    void the_same_sql_reuses_one_prepared_statement_with_fresh_bindings_across_handles() {
        assertThat(jdbi.<String, RuntimeException>withHandle(h -> value(h, 1))).isEqualTo("one");
        assertThat(jdbi.<String, RuntimeException>withHandle(h -> value(h, 2))).isEqualTo("two");
        assertThat(jdbi.<String, RuntimeException>withHandle(h -> value(h, 3))).isEqualTo("three");

        assertThat(executed).hasSize(3);
        assertThat(executed.get(1)).isSameAs(executed.get(0));
        assertThat(executed.get(2)).isSameAs(executed.get(0));
    }

    @Test
    void a_nested_query_with_the_same_sql_gets_its_own_statement_and_both_read_correctly() {
        List<String> pairs = jdbi.withHandle(h -> {
            List<String> out = new ArrayList<>();
            try (var outer = h.createQuery("select v from t where k >= :k order by k").bind("k", 1)
                    .mapTo(String.class).iterator()) {
                while (outer.hasNext()) {
                    String v = outer.next();
                    String inner = h.createQuery("select v from t where k >= :k order by k").bind("k", 3)
                            .mapTo(String.class).one();
                    out.add(v + "/" + inner);
                }
            }
            return out;
        });
        assertThat(pairs).containsExactly("one/three", "two/three", "three/three");
    }

    @Test
    void a_failed_statement_does_not_spoil_the_next_use_of_its_sql() {
        String sql = "insert into t (k, v) values (:k, :v)";
        jdbi.useHandle(h -> h.createUpdate(sql).bind("k", 4).bind("v", "four").execute());
        try {
            jdbi.useHandle(h -> h.createUpdate(sql).bind("k", 4).bind("v", "again").execute());
        } catch (RuntimeException expected) {
            // primary key taken
        }
        jdbi.useHandle(h -> h.createUpdate(sql).bind("k", 5).bind("v", "five").execute());
        List<String> all = jdbi.withHandle(h -> h.createQuery("select v from t order by k").mapTo(String.class).list());
        assertThat(all)
                .containsExactly("one", "two", "three", "four", "five");
    }
}
