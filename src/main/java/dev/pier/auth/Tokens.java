package dev.pier.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API tokens: {@code pier_<id>_<secret>}. The id finds the row; only SHA-256 of the 256-bit random secret is
 * stored, compared in constant time. A slow hash buys nothing for a secret this long.
 */
public final class Tokens {

    private static final Pattern FORMAT = Pattern.compile("pier_(tok[a-z0-9]{12})_([0-9a-f]{64})");
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final TokenStore store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public Tokens(TokenStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A new token; {@code secret} is the only copy of the full token and must be shown once. */
    public record Created(ApiToken token, String secret) {}

    public Created create(String owner, List<Scope> scopes, Duration lifetime, String description, String createdBy) {
        if (owner == null || !owner.matches("[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")) {
            throw new IllegalArgumentException("--owner: a person's name or login (letters, digits, . _ @ -), got '"
                    + owner + "'");
        }
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("--scope: at least one, e.g. signal:pytoya/staging");
        }
        if (lifetime != null && (lifetime.isNegative() || lifetime.isZero())) {
            throw new IllegalArgumentException("--expires: must be in the future");
        }
        StringBuilder id = new StringBuilder("tok");
        for (int i = 0; i < 12; i++) {
            id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String hex = HexFormat.of().formatHex(secret);
        Instant now = clock.instant();
        ApiToken token = new ApiToken(id.toString(), owner, scopes, description, createdBy, now,
                lifetime == null ? null : now.plus(lifetime), null, null);
        store.insert(token, hash(hex));
        return new Created(token, "pier_" + id + "_" + hex);
    }

    /** The caller, when {@code bearer} is a live token; empty for anything else, with no hint why. */
    public Optional<Principal> authenticate(String bearer) {
        if (bearer == null) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(bearer);
        if (!m.matches()) {
            return Optional.empty();
        }
        Optional<TokenStore.Stored> stored = store.find(m.group(1));
        // Hash even when the id is unknown, so timing does not tell which ids exist.
        byte[] presented = hash(m.group(2)).getBytes(StandardCharsets.US_ASCII);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(presented, stored.get().secretHash().getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        ApiToken t = stored.get().token();
        Instant now = clock.instant();
        if (!t.usableAt(now)) {
            return Optional.empty();
        }
        if (t.lastUsedAt() == null || t.lastUsedAt().plus(TOUCH_EVERY).isBefore(now)) {
            store.touch(t.id(), now);
        }
        return Optional.of(new Principal(t.owner(), "token:" + t.id(), t.scopes()));
    }

    public List<ApiToken> list() {
        return store.list();
    }

    public boolean revoke(String id) {
        return store.revoke(id, clock.instant());
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
