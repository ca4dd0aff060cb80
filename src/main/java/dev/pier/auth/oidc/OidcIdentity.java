package dev.pier.auth.oidc;

/** Who a verified token speaks for. {@code actor}, {@code sha}, {@code ref} and {@code environment} may be null. */
public record OidcIdentity(String actor, String repository, String ref, String sha, String eventName,
                           String environment, String subject, String jti) {}
