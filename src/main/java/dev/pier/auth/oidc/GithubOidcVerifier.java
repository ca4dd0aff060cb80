package dev.pier.auth.oidc;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.pier.auth.oidc.OidcRejectedException.Reason;
import java.net.http.HttpClient;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Verifies a GitHub Actions OIDC token against {@link OidcSettings} and an {@link OidcPolicy}. Thread-safe.
 *
 * <p>Nimbus's {@code DefaultJWTProcessor} is not used: its failures arrive as message strings, and each refusal
 * here needs its own {@link Reason}. The algorithm is fixed to RS256 before any key is looked up, the key comes
 * only from the issuer's JWKS by {@code kid} (header {@code jwk}/{@code jku}/{@code x5u} are ignored), and
 * {@code sub} is reported but never relied on.
 */
public final class GithubOidcVerifier {
    /** GitHub's tokens are about 1.5 KB; anything much larger is not one. */
    static final int MAX_TOKEN_CHARS = 16 * 1024;
    private static final Pattern JWT_SHAPE =
            Pattern.compile("[A-Za-z0-9_-]++\\.[A-Za-z0-9_-]++\\.[A-Za-z0-9_-]*+");

    private final OidcSettings settings;
    private final String issuer;
    private final JtiLedger ledger;
    private final Clock clock;
    private final IssuerKeys keys;

    public GithubOidcVerifier(OidcSettings settings, HttpClient http, JtiLedger ledger, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.issuer = settings.issuer().toString();
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.keys = new IssuerKeys(settings, Objects.requireNonNull(http, "http"), clock);
    }

    /**
     * Whether a bearer has the shape of a compact JWS (three base64url segments, the last possibly empty so that
     * unsigned tokens are routed here and refused), as opposed to one of Pier's opaque API tokens.
     */
    public static boolean looksLikeJwt(String bearer) {
        return bearer != null && JWT_SHAPE.matcher(bearer).matches();
    }

    /** The identity {@code token} proves under {@code policy}; spends its jti, so a second call is refused. */
    public OidcIdentity verify(String token, OidcPolicy policy) throws OidcRejectedException {
        Objects.requireNonNull(policy, "policy");
        JWTClaimsSet claims = verifiedClaims(parseRs256(token));
        checkIssuerAndAudience(claims);
        Instant expiresAt = checkTimes(claims);
        String jti = Claims.required(claims, "jti");
        OidcIdentity identity = checkPolicy(claims, policy, jti);
        // Last, so a token refused for another reason does not spend its jti.
        if (!ledger.firstUse(issuer, jti, expiresAt.plus(settings.maxClockSkew()))) {
            throw reject(Reason.REPLAYED, "token jti " + Claims.printable(jti) + " was already used");
        }
        return identity;
    }

    private static SignedJWT parseRs256(String token) throws OidcRejectedException {
        if (!looksLikeJwt(token)) {
            throw reject(Reason.MALFORMED, "bearer is not a compact JWS (three base64url segments)");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw reject(Reason.MALFORMED, "token is longer than " + MAX_TOKEN_CHARS + " characters");
        }
        Header header;
        try {
            header = Header.parse(new Base64URL(token.substring(0, token.indexOf('.'))));
        } catch (ParseException e) {
            throw reject(Reason.MALFORMED, "token header is not a JOSE header"); // no cause: it may quote the header
        }
        // Decided here, from our constant, never from what the header offers.
        if (!(header instanceof JWSHeader) || !JWSAlgorithm.RS256.equals(header.getAlgorithm())) {
            String alg = header.getAlgorithm() == null ? null : header.getAlgorithm().getName();
            throw reject(Reason.ALGORITHM, "token algorithm " + Claims.printable(alg) + " is not RS256");
        }
        try {
            return SignedJWT.parse(token);
        } catch (ParseException e) {
            throw reject(Reason.MALFORMED, "token is not a signed JWT");
        }
    }

    private JWTClaimsSet verifiedClaims(SignedJWT jwt) throws OidcRejectedException {
        String kid = jwt.getHeader().getKeyID();
        if (kid == null || kid.isEmpty()) {
            throw reject(Reason.UNKNOWN_KEY, "token header has no kid");
        }
        RSAKey key = keys.find(kid);
        if (key == null) {
            throw reject(Reason.UNKNOWN_KEY, "issuer " + issuer + " publishes no RS256 key with kid "
                    + Claims.printable(kid));
        }
        try {
            if (!jwt.verify(new RSASSAVerifier(key))) {
                throw reject(Reason.BAD_SIGNATURE, "token signature does not verify with the issuer's key "
                        + Claims.printable(kid));
            }
        } catch (JOSEException e) {
            throw new OidcRejectedException(Reason.BAD_SIGNATURE, "token signature could not be checked with key "
                    + Claims.printable(kid) + ": " + e.getMessage(), e);
        }
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw reject(Reason.MALFORMED, "token payload is not a JWT claim set");
        }
    }

    private void checkIssuerAndAudience(JWTClaimsSet claims) throws OidcRejectedException {
        if (!issuer.equals(claims.getIssuer())) {
            throw reject(Reason.ISSUER, "token issuer " + Claims.printable(claims.getIssuer()) + " is not " + issuer);
        }
        List<String> audience = claims.getAudience();
        if (!audience.contains(settings.audience())) {
            throw reject(Reason.AUDIENCE, audience.isEmpty() ? "token has no aud claim"
                    : "token audience " + Claims.printable(String.join(", ", audience)) + " does not include "
                            + settings.audience());
        }
    }

    /** Returns exp. */
    private Instant checkTimes(JWTClaimsSet claims) throws OidcRejectedException {
        Instant now = clock.instant();
        Duration skew = settings.maxClockSkew();
        Instant exp = Claims.time(claims, "exp");
        Instant iat = Claims.time(claims, "iat");
        Instant nbf = Claims.time(claims, "nbf");
        if (exp == null || iat == null) {
            throw reject(Reason.MISSING_CLAIM, "token has no " + (exp == null ? "exp" : "iat") + " claim");
        }
        if (!now.isBefore(exp.plus(skew))) {
            throw reject(Reason.EXPIRED, "token expired at " + exp + " (now " + now + ", skew " + skew + ")");
        }
        if (nbf != null && now.plus(skew).isBefore(nbf)) {
            throw reject(Reason.NOT_YET_VALID, "token is not valid before " + nbf + " (now " + now + ")");
        }
        if (now.plus(skew).isBefore(iat)) {
            throw reject(Reason.NOT_YET_VALID, "token was issued in the future, at " + iat + " (now " + now + ")");
        }
        return exp;
    }

    private static OidcIdentity checkPolicy(JWTClaimsSet claims, OidcPolicy policy, String jti)
            throws OidcRejectedException {
        String repository = Claims.required(claims, "repository");
        if (!policy.repository().equals(repository)) {
            throw reject(Reason.REPOSITORY, "token repository " + Claims.printable(repository) + " is not "
                    + policy.repository());
        }
        // Names can be deleted and re-registered by someone else; ids cannot.
        String repositoryId = Claims.id(claims, "repository_id");
        if (policy.repositoryId() != null && !policy.repositoryId().equals(repositoryId)) {
            throw reject(Reason.REPOSITORY_ID, "token repository_id " + Claims.printable(repositoryId) + " is not "
                    + policy.repositoryId());
        }
        String ownerId = Claims.id(claims, "repository_owner_id");
        if (policy.repositoryOwnerId() != null && !policy.repositoryOwnerId().equals(ownerId)) {
            throw reject(Reason.REPOSITORY_OWNER_ID, "token repository_owner_id " + Claims.printable(ownerId)
                    + " is not " + policy.repositoryOwnerId());
        }
        String event = Claims.required(claims, "event_name");
        if (OidcPolicy.FORBIDDEN_EVENTS.contains(event) || !policy.events().contains(event)) {
            throw reject(Reason.EVENT, "token event_name " + Claims.printable(event) + " is not one of "
                    + policy.events());
        }
        String ref = Claims.string(claims, "ref");
        if (!policy.allowsRef(ref)) {
            throw reject(Reason.REF, "token ref " + Claims.printable(ref) + " matches none of " + policy.refs());
        }
        String environment = Claims.string(claims, "environment");
        if (policy.environment() != null && !policy.environment().equals(environment)) {
            throw reject(Reason.ENVIRONMENT, "token environment " + Claims.printable(environment) + " is not "
                    + policy.environment());
        }
        return new OidcIdentity(Claims.string(claims, "actor"), repository, ref, Claims.string(claims, "sha"), event,
                environment, Claims.string(claims, "sub"), jti);
    }

    private static OidcRejectedException reject(Reason reason, String message) {
        return new OidcRejectedException(reason, message);
    }
}
