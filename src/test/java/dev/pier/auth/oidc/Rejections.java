package dev.pier.auth.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pier.auth.oidc.OidcRejectedException.Reason;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Asserts a refusal's reason, and that nothing it would log (message, causes, stack trace) quotes the token. */
final class Rejections {
    private Rejections() {}

    static OidcRejectedException assertRejected(GithubOidcVerifier verifier, String token, OidcPolicy policy,
                                                Reason reason) {
        OidcRejectedException e = catchThrowableOfType(OidcRejectedException.class,
                () -> verifier.verify(token, policy));
        assertThat(e).as("verify should refuse with %s", reason).isNotNull();
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
        assertThat(e.getMessage()).isNotBlank();
        assertQuotesNothingOf(e, token);
        return e;
    }

    static void assertQuotesNothingOf(Throwable e, String token) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        String logged = trace.toString();
        if (token == null || token.isEmpty()) {
            return;
        }
        // Short bearers ("a.b") occur by chance in class names; for those only the message is checked.
        assertThat(token.length() >= 16 ? logged : e.getMessage()).doesNotContain(token);
        for (String segment : token.split("\\.")) {
            if (segment.length() >= 16) {
                assertThat(logged).doesNotContain(segment);
            }
        }
    }
}
