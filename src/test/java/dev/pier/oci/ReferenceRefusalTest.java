package dev.pier.oci;

import static dev.pier.oci.DigestTest.HEX;
import static dev.pier.oci.InvalidReferenceException.Problem.DIGEST;
import static dev.pier.oci.InvalidReferenceException.Problem.MISSING_REGISTRY;
import static dev.pier.oci.InvalidReferenceException.Problem.SCHEME;
import static dev.pier.oci.InvalidReferenceException.Problem.SYNTAX;
import static dev.pier.oci.InvalidReferenceException.Problem.TOO_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.pier.oci.InvalidReferenceException.Problem;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each malformed reference is refused with a message naming the part at fault. */
class ReferenceRefusalTest {

    static Stream<Arguments> refusals() {
        return Stream.of(
                row("ghcr.io/Acme/app:1", SYNTAX, "upper-case letters are not allowed in a repository path: 'Acme'"),
                row("GHCR.IO/acme/app", SYNTAX, "upper-case letters are not allowed in a registry host: 'GHCR.IO'"),
                row("[FE80::1]/a/b", SYNTAX, "upper-case letters are not allowed in a registry host: 'FE80::1'"),
                row("ghcr.io/acme/../app", SYNTAX, "'..' is not a valid path component"),
                row("ghcr.io:443/../", SYNTAX, "'..' is not a valid path component"),
                row("ghcr.io/./app", SYNTAX, "'.' is not a valid path component"),
                row("ghcr.io:44a/acme/app", SYNTAX, "port must be digits: '44a'"),
                row("ghcr.io:/acme/app", SYNTAX, "port must be digits, but nothing follows ':'"),
                row("ghcr.io:99999/acme/app", SYNTAX, "port must be between 1 and 65535: '99999'"),
                row("ghcr.io:0/acme/app", SYNTAX, "port must be between 1 and 65535: '0'"),
                row("ghcr.io:443:80/acme/app", SYNTAX, "port must be digits: '443:80'"),
                row("ghcr.io@evil.com/acme/app", SYNTAX, "userinfo '@' is not allowed in a registry host"),
                row("user:token@ghcr.io/acme/app", SYNTAX, "userinfo '@' is not allowed in a registry host"),
                row("ghcr.io/a/b@sha256:" + HEX + "@x", SYNTAX, "reference has more than one '@'"),
                row("nginx", MISSING_REGISTRY, "must be a full reference including the registry host"),
                row("library/nginx:1", MISSING_REGISTRY, "'library' is not a registry host"),
                row("ghcr.io", MISSING_REGISTRY, "must be a full reference including the registry host"),
                row("ghcr.io@evil.com", MISSING_REGISTRY, "must be a full reference including the registry host"),
                row("/acme/app", MISSING_REGISTRY, "'' is not a registry host"),
                row("ghcr..io/a/b", SYNTAX, "registry host 'ghcr..io' has an empty component"),
                row("-ghcr.io/a/b", SYNTAX, "registry host component '-ghcr' must not start or end with '-'"),
                row("gh_cr.io/a/b", SYNTAX, "invalid character '_' in registry host 'gh_cr.io'"),
                row("[::1/a/b", SYNTAX, "registry host '[::1' has '[' without ']'"),
                row("[::g]/a/b", SYNTAX, "invalid character 'g' in IPv6 registry host"),
                row("ghcr.io/", SYNTAX, "repository path is empty"),
                row("ghcr.io/a//b", SYNTAX, "repository path has an empty component"),
                row("ghcr.io/a/", SYNTAX, "repository path has an empty component"),
                row("ghcr.io/a-/b", SYNTAX, "path component 'a-' must start and end with a lower-case letter or digit"),
                row("ghcr.io/_a/b", SYNTAX, "path component '_a' must start and end"),
                row("ghcr.io/a._b/c", SYNTAX, "path component 'a._b' has an invalid separator '._'"),
                row("ghcr.io/a___b/c", SYNTAX, "has an invalid separator '___'"),
                row("ghcr.io/a/b;rm", SYNTAX, "invalid character ';' in path component 'b;rm'"),
                row("ghcr.io/a/`id`", SYNTAX, "invalid character '`' in path component '`id`'"),
                row("ghcr.io/a/b:", SYNTAX, "tag is empty (nothing follows ':')"),
                row("ghcr.io/a/b:.x", SYNTAX, "tag '.x' must start with a letter, a digit or '_'"),
                row("ghcr.io/a/b:-x", SYNTAX, "tag '-x' must start with a letter, a digit or '_'"),
                row("ghcr.io/a/b:1$(id)", SYNTAX, "invalid character '$' in tag '1$(id)'"),
                row("ghcr.io/a/b:1:2", SYNTAX, "invalid character ':' in tag '1:2'"),
                row("ghcr.io/a/b@", DIGEST, "digest is empty"),
                row("ghcr.io/a/b@sha256:abc", DIGEST, "sha256 digest must have exactly 64 hex characters, got 3"),
                row("ghcr.io/a/b@sha512:" + HEX + HEX, DIGEST, "digest algorithm 'sha512' is not supported"),
                row("ghcr.io/a/b@sha256:" + HEX.toUpperCase(), DIGEST, "upper-case hex is not allowed in a digest"),
                row("ghcr.io/a/b c", SYNTAX, "whitespace at position 12 is not allowed"),
                row("ghcr.io/a/b\n", SYNTAX, "control character U+000A at position 12 is not allowed"),
                row("ghcr.io/a/b\u0000", SYNTAX, "control character U+0000 at position 12 is not allowed"),
                row("gh\u0441r.io/a/b", SYNTAX, "non-ASCII character U+0441 at position 3 is not allowed"),
                row("ghcr.io/a/b\u00a0", SYNTAX, "whitespace at position 12 is not allowed"),
                row("oci://ghcr.io/a/b", SCHEME, "a scheme such as 'oci://' is not allowed here"),
                row("https://ghcr.io/a/b", SCHEME, "a scheme such as 'oci://' is not allowed here"),
                row("", SYNTAX, "reference is empty"),
                row("ghcr.io/" + "a".repeat(600), TOO_LONG, "reference is 608 characters long; at most 456 are allowed"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void refuses_a_malformed_reference_naming_the_part_at_fault(String text, Problem problem, String message) {
        InvalidReferenceException e = catchThrowableOfType(InvalidReferenceException.class, () -> Reference.parse(text));

        assertThat(e).as("refused").isNotNull();
        assertThat(e.problem()).isEqualTo(problem);
        assertThat(e.getMessage()).contains(message);
    }

    @Test
    void parse_oci_requires_the_scheme() {
        InvalidReferenceException e = catchThrowableOfType(InvalidReferenceException.class,
                () -> Reference.parseOci("ghcr.io/acme/charts/pytoya"));

        assertThat(e.problem()).isEqualTo(SCHEME);
        assertThat(e).hasMessage("must start with oci://");
    }

    @Test
    void parse_oci_refuses_a_doubled_scheme() {
        InvalidReferenceException e = catchThrowableOfType(InvalidReferenceException.class,
                () -> Reference.parseOci("oci://oci://ghcr.io/acme/charts/pytoya"));

        assertThat(e.problem()).isEqualTo(SCHEME);
    }

    @Test
    void parses_a_lookalike_host_faithfully_so_that_policy_can_refuse_it() throws Exception {
        assertThat(Reference.parse("ghcr.io.evil.com/acme/app:1").registry()).isEqualTo("ghcr.io.evil.com");
        assertThat(Reference.parse("evil.com/ghcr.io/acme/app:1").registry()).isEqualTo("evil.com");
        assertThat(Reference.parse("ghcr.io:443/acme/app:1").registry()).isEqualTo("ghcr.io:443");
    }

    private static Arguments row(String text, Problem problem, String message) {
        return argumentSet(Quote.quote(text), text, problem, message);
    }
}
