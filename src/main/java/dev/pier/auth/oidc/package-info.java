/**
 * Verifies GitHub Actions OIDC tokens sent as bearer tokens by CI: {@link dev.pier.auth.oidc.GithubOidcVerifier}
 * checks the RS256 signature against the issuer's published keys, then the standard claims, then an
 * {@link dev.pier.auth.oidc.OidcPolicy} (repository and ids, event, ref, environment), and spends the {@code jti}
 * in a {@link dev.pier.auth.oidc.JtiLedger}. Depends only on the JDK and nimbus-jose-jwt.
 */
package dev.pier.auth.oidc;
