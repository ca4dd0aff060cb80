package dev.pier.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where tokens live: only a hash of each secret. Implemented by {@code dev.pier.store.JdbcTokenStore}. */
public interface TokenStore {

    void insert(ApiToken token, String secretHash);

    /** The token and its secret hash. */
    Optional<Stored> find(String id);

    List<ApiToken> list();

    /** False when no such token exists or it was already revoked. */
    boolean revoke(String id, Instant at);

    void touch(String id, Instant at);

    record Stored(ApiToken token, String secretHash) {}
}
