package dev.pier.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.oci.OciException;
import dev.pier.oci.OciException.Kind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RegistryErrorsTest {

    private static OciException of(int status, String body) {
        return RegistryErrors.fromResponse("push manifest acme/app:v1 to 127.0.0.1:5000", status,
                body.getBytes(StandardCharsets.UTF_8), null);
    }

    @Test
    void names_the_action_status_code_and_message() {
        OciException e = of(400, "{\"errors\":[{\"code\":\"MANIFEST_INVALID\",\"message\":\"manifest invalid\",\"detail\":{}}]}");
        assertThat(e).hasMessage("tried to push manifest acme/app:v1 to 127.0.0.1:5000 but the registry answered 400 "
                + "MANIFEST_INVALID: manifest invalid");
        assertThat(e.kind()).isEqualTo(Kind.INVALID);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("MANIFEST_INVALID");
    }

    @Test
    void maps_codes_before_statuses() {
        assertThat(of(404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}").kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(of(400, "{\"errors\":[{\"code\":\"MANIFEST_BLOB_UNKNOWN\"}]}").kind()).isEqualTo(Kind.INVALID);
        assertThat(of(403, "{\"errors\":[{\"code\":\"DENIED\"}]}").kind()).isEqualTo(Kind.DENIED);
        assertThat(of(429, "").kind()).isEqualTo(Kind.TOO_MANY_REQUESTS);
        assertThat(of(401, "").kind()).isEqualTo(Kind.UNAUTHORIZED);
        assertThat(of(502, "").kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(of(413, "").kind()).isEqualTo(Kind.TOO_LARGE);
        assertThat(of(405, "").kind()).isEqualTo(Kind.INVALID);
    }

    @Test
    void counts_further_errors_and_quotes_hostile_text() {
        OciException e = of(400, "{\"errors\":[{\"code\":\"X\",\"message\":\"line1\\nline2\\u202e\"},{\"code\":\"Y\"},{\"code\":\"Z\"}]}");
        assertThat(e.getMessage()).endsWith("400 X: line1\\nline2\\u202E (and 2 more errors)");
    }

    @Test
    void shows_short_plain_text_bodies_but_not_html_and_cuts_long_ones() {
        assertThat(of(404, "404 page not found\n").getMessage()).endsWith("answered 404: 404 page not found");
        assertThat(of(502, "<html><body>Bad Gateway</body></html>").getMessage()).endsWith("answered 502");
        assertThat(of(500, "x".repeat(5000)).getMessage().length()).isLessThan(400);
    }
}
