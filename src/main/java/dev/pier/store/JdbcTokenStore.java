package dev.pier.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.pier.auth.ApiToken;
import dev.pier.auth.Scope;
import dev.pier.auth.TokenStore;
import dev.pier.json.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** {@link TokenStore} on JDBC. */
public final class JdbcTokenStore implements TokenStore {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final Jdbi jdbi;

    public JdbcTokenStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void insert(ApiToken t, String secretHash) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into api_tokens (id, owner, scopes_json, secret_hash, description, created_by,
                                                created_at, expires_at)
                        values (:id, :owner, :scopes, :hash, :description, :createdBy, :createdAt, :expiresAt)""")
                .bind("id", t.id()).bind("owner", t.owner())
                .bind("scopes", Json.write(t.scopes().stream().map(Scope::toString).toList()))
                .bind("hash", secretHash).bind("description", t.description()).bind("createdBy", t.createdBy())
                .bind("createdAt", t.createdAt().toEpochMilli())
                .bind("expiresAt", t.expiresAt() == null ? null : t.expiresAt().toEpochMilli())
                .execute());
    }

    @Override
    public Optional<Stored> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("select * from api_tokens where id = :id").bind("id", id)
                .map((rs, ctx) -> new Stored(token(rs), rs.getString("secret_hash"))).findOne());
    }

    @Override
    public List<ApiToken> list() {
        return jdbi.withHandle(h -> h.createQuery("select * from api_tokens order by created_at, id")
                .map((rs, ctx) -> token(rs)).list());
    }

    @Override
    public boolean revoke(String id, Instant at) {
        return jdbi.withHandle(h -> h.createUpdate(
                        "update api_tokens set revoked_at = :at where id = :id and revoked_at is null")
                .bind("at", at.toEpochMilli()).bind("id", id).execute()) == 1;
    }

    @Override
    public void touch(String id, Instant at) {
        jdbi.useHandle(h -> h.createUpdate("update api_tokens set last_used_at = :at where id = :id")
                .bind("at", at.toEpochMilli()).bind("id", id).execute());
    }

    private static ApiToken token(ResultSet rs) throws SQLException {
        List<Scope> scopes = Json.read(rs.getString("scopes_json"), STRINGS).stream().map(Scope::parse).toList();
        return new ApiToken(rs.getString("id"), rs.getString("owner"), scopes, rs.getString("description"),
                rs.getString("created_by"), instant(rs, "created_at"), instant(rs, "expires_at"),
                instant(rs, "revoked_at"), instant(rs, "last_used_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }
}
