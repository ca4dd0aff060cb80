package dev.pier.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DigestTest {
    static final String HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @Test
    void parses_a_sha256_digest_and_prints_it_back() throws Exception {
        Digest digest = Digest.parse("sha256:" + HEX);

        assertThat(digest.algorithm()).isEqualTo("sha256");
        assertThat(digest.hex()).isEqualTo(HEX);
        assertThat(digest).hasToString("sha256:" + HEX);
    }

    @Test
    void names_a_wrong_algorithm() {
        assertThatThrownBy(() -> Digest.parse("sha512:" + HEX + HEX))
                .isInstanceOf(InvalidReferenceException.class)
                .hasMessage("digest algorithm 'sha512' is not supported: only sha256 is accepted");
        assertThatThrownBy(() -> Digest.parse("SHA256:" + HEX))
                .hasMessage("digest algorithm 'SHA256' must be lower case: sha256");
    }

    @Test
    void names_a_wrong_length() {
        assertThatThrownBy(() -> Digest.parse("sha256:" + HEX.substring(1)))
                .hasMessage("sha256 digest must have exactly 64 hex characters, got 63");
        assertThatThrownBy(() -> Digest.parse("sha256:" + HEX + "0"))
                .hasMessage("sha256 digest must have exactly 64 hex characters, got 65");
        assertThatThrownBy(() -> Digest.parse("sha256:"))
                .hasMessage("sha256 digest must have exactly 64 hex characters, got 0");
    }

    @Test
    void names_upper_case_hex() {
        assertThatThrownBy(() -> Digest.parse("sha256:" + HEX.toUpperCase()))
                .hasMessage("upper-case hex is not allowed in a digest: write it in lower case");
    }

    @Test
    void names_a_character_that_is_not_hex() {
        assertThatThrownBy(() -> Digest.parse("sha256:" + HEX.substring(1) + "g"))
                .hasMessage("digest hex has a character that is not hex: 'g'");
    }

    @Test
    void refuses_text_without_an_algorithm() {
        assertThatThrownBy(() -> Digest.parse(HEX)).hasMessageContaining("must be algorithm:hex");
        assertThatThrownBy(() -> Digest.parse("")).hasMessage("digest is empty");
    }

    @Test
    void reports_every_digest_fault_as_a_digest_problem() {
        assertThatThrownBy(() -> Digest.parse("md5:abc"))
                .isInstanceOfSatisfying(InvalidReferenceException.class,
                        e -> assertThat(e.problem()).isEqualTo(InvalidReferenceException.Problem.DIGEST));
    }

    @Test
    void constructor_keeps_the_same_invariant() {
        assertThatThrownBy(() -> new Digest("sha256", "abc"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 3");
    }
}
