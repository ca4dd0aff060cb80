package dev.pier.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.store.Database;
import dev.pier.store.JdbcTokenStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens on the real SQLite store: only hashes kept, expiry and revocation honoured. */
class TokensTest {

    @TempDir
    Path home;

    MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    Tokens tokens;

    @BeforeEach
    void open() {
        tokens = new Tokens(new JdbcTokenStore(Database.openSqlite(home).jdbi()), clock);
    }

    @Test
    void a_created_token_authenticates_as_its_owner_with_its_scopes() {
        Tokens.Created made = tokens.create("alice", List.of(Scope.parse("approve:*/production")), null, "laptop",
                "local:root");

        Principal p = tokens.authenticate(made.secret()).orElseThrow();
        assertThat(p.name()).isEqualTo("alice");
        assertThat(p.via()).isEqualTo("token:" + made.token().id());
        assertThat(p.may(Scope.Action.APPROVE, "pytoya", "production")).isTrue();
        assertThat(p.may(Scope.Action.SIGNAL, "pytoya", "production")).isFalse();
    }

    @Test
    void only_a_hash_of_the_secret_is_stored() throws Exception {
        Tokens.Created made = tokens.create("alice", List.of(Scope.parse("admin")), null, null, "local:root");
        String secretPart = made.secret().substring(made.secret().lastIndexOf('_') + 1);

        try (var c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("pier.db"));
             var rs = c.createStatement().executeQuery("select * from api_tokens")) {
            StringBuilder row = new StringBuilder();
            while (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.append(rs.getString(i)).append('|');
                }
            }
            assertThat(row.toString()).doesNotContain(secretPart).doesNotContain(made.secret());
        }
        for (Path f : List.of(home.resolve("pier.db"), home.resolve("pier.db-wal"))) {
            if (Files.exists(f)) {
                assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .doesNotContain(secretPart);
            }
        }
    }

    @Test
    void wrong_expired_and_revoked_tokens_do_not_authenticate() {
        Tokens.Created made = tokens.create("ci", List.of(Scope.parse("signal:pytoya/staging")), Duration.ofHours(1),
                null, "local:root");
        String tampered = made.secret().substring(0, made.secret().length() - 1)
                + (made.secret().endsWith("0") ? "1" : "0");
        assertThat(tokens.authenticate(tampered)).isEmpty();
        assertThat(tokens.authenticate("pier_tokaaaaaaaaaaaa_" + "0".repeat(64))).isEmpty();
        assertThat(tokens.authenticate("garbage")).isEmpty();

        clock.now = clock.now.plus(Duration.ofHours(1));
        assertThat(tokens.authenticate(made.secret())).as("expired").isEmpty();
        assertThat(tokens.list().get(0).state(clock.instant())).isEqualTo("expired");

        Tokens.Created other = tokens.create("ci2", List.of(Scope.parse("admin")), null, null, "local:root");
        assertThat(tokens.revoke(other.token().id())).isTrue();
        assertThat(tokens.revoke(other.token().id())).as("already revoked").isFalse();
        assertThat(tokens.authenticate(other.secret())).isEmpty();
    }

    @Test
    void bad_owners_scopes_and_lifetimes_are_refused() {
        assertThatThrownBy(() -> tokens.create("a b", List.of(Scope.parse("admin")), null, null, "x"))
                .hasMessageContaining("--owner");
        assertThatThrownBy(() -> tokens.create("alice", List.of(), null, null, "x")).hasMessageContaining("--scope");
        assertThatThrownBy(() -> tokens.create("alice", List.of(Scope.parse("admin")), Duration.ZERO, null, "x"))
                .hasMessageContaining("--expires");
    }

    static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
