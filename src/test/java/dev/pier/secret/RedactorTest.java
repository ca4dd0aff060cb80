package dev.pier.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {

    @Test
    void masks_a_secret_wherever_it_appears() {
        Redactor r = Redactor.of(List.of("s3cr3t-token"));
        assertThat(r.redact("token=s3cr3t-token and again s3cr3t-token")).isEqualTo("token=*** and again ***");
    }

    @Test
    void masks_the_url_encoded_and_base64_forms() {
        String secret = "p@ss word/+";
        Redactor r = Redactor.of(List.of(secret));
        String b64 = Base64.getEncoder().withoutPadding().encodeToString(secret.getBytes());
        assertThat(r.redact("url: https://u:p%40ss+word%2F%2B@host")).doesNotContain("p%40ss+word%2F%2B");
        assertThat(r.redact("basic " + b64)).isEqualTo("basic ***");
    }

    @Test
    void a_secret_containing_another_is_masked_whole() {
        Redactor r = Redactor.of(List.of("abc", "abcdef"));
        assertThat(r.redact("x abcdef y")).isEqualTo("x *** y");
    }

    @Test
    void text_without_secrets_is_unchanged() {
        assertThat(Redactor.of(List.of("zzz-secret")).redact("plain line")).isEqualTo("plain line");
        assertThat(Redactor.none().redact("plain line")).isEqualTo("plain line");
    }
}
