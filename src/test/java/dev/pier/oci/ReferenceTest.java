package dev.pier.oci;

import static dev.pier.oci.DigestTest.HEX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReferenceTest {

    @Test
    void splits_a_tagged_image_reference_into_its_parts() throws Exception {
        Reference ref = Reference.parse("ghcr.io/acme/pytoya/api:abcdef123456");

        assertThat(ref.registry()).isEqualTo("ghcr.io");
        assertThat(ref.repository()).isEqualTo("acme/pytoya/api");
        assertThat(ref.tag()).isEqualTo("abcdef123456");
        assertThat(ref.digest()).isNull();
        assertThat(ref.name()).isEqualTo("ghcr.io/acme/pytoya/api");
        assertThat(ref.org()).isEqualTo("acme");
        assertThat(ref.hasTag()).isTrue();
        assertThat(ref.hasDigest()).isFalse();
    }

    @Test
    void splits_a_reference_with_tag_and_digest() throws Exception {
        Reference ref = Reference.parse("ghcr.io/acme/api:1.0@sha256:" + HEX);

        assertThat(ref.tag()).isEqualTo("1.0");
        assertThat(ref.digest()).isEqualTo(new Digest("sha256", HEX));
        assertThat(ref.hasDigest()).isTrue();
    }

    @Test
    void keeps_the_port_with_the_registry_and_not_as_a_tag() throws Exception {
        Reference ref = Reference.parse("localhost:5000/team/app");

        assertThat(ref.registry()).isEqualTo("localhost:5000");
        assertThat(ref.repository()).isEqualTo("team/app");
        assertThat(ref.hasTag()).isFalse();
    }

    @Test
    void reads_an_ipv6_registry_with_a_port() throws Exception {
        Reference ref = Reference.parse("[fe80::1]:5000/team/app:1");

        assertThat(ref.registry()).isEqualTo("[fe80::1]:5000");
        assertThat(ref.org()).isEqualTo("team");
    }

    @Test
    void takes_the_whole_repository_as_org_when_it_has_one_component() throws Exception {
        assertThat(Reference.parse("ghcr.io/acme:1").org()).isEqualTo("acme");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ghcr.io/acme/pytoya/api:abcdef123456",
        "ghcr.io/acme/charts/pytoya",
        "localhost/a/b:1",
        "localhost:5000/a/b",
        "127.0.0.1:5000/a/b:_tag",
        "[::1]/a/b",
        "registry-1.docker.io/library/nginx:1.27-alpine",
        "ghcr.io/a__b/c--d/e.f/g_h/i---j:TAG.With-Case_1",
        "ghcr.io/a/b@sha256:" + HEX,
        "ghcr.io/a/b:v1@sha256:" + HEX,
    })
    void prints_back_exactly_what_it_parsed(String text) throws Exception {
        assertThat(Reference.parse(text)).hasToString(text);
    }

    @Test
    void strips_the_oci_scheme() throws Exception {
        Reference ref = Reference.parseOci("oci://ghcr.io/acme/charts/pytoya");

        assertThat(ref.name()).isEqualTo("ghcr.io/acme/charts/pytoya");
        assertThat(ref).hasToString("ghcr.io/acme/charts/pytoya");
    }

    @Test
    void pins_by_digest_alone_dropping_the_tag() throws Exception {
        Reference pinned = Reference.parse("ghcr.io/acme/api:1.0").withDigest(Digest.parse("sha256:" + HEX));

        assertThat(pinned).hasToString("ghcr.io/acme/api@sha256:" + HEX);
        assertThat(pinned.hasTag()).isFalse();
    }

    @Test
    void accepts_a_name_of_exactly_255_characters_and_refuses_256() throws Exception {
        String prefix = "ghcr.io/acme/";
        String longest = prefix + "a".repeat(255 - prefix.length());

        assertThat(Reference.parse(longest).name()).hasSize(255);
        assertThatThrownBy(() -> Reference.parse(longest + "b"))
                .hasMessage("name (registry/repository) is 256 characters long; at most 255 are allowed");
    }

    @Test
    void accepts_a_tag_of_128_characters_and_refuses_129() throws Exception {
        assertThat(Reference.parse("ghcr.io/a/b:" + "t".repeat(128)).tag()).hasSize(128);
        assertThatThrownBy(() -> Reference.parse("ghcr.io/a/b:" + "t".repeat(129)))
                .hasMessage("tag is 129 characters long; at most 128 are allowed");
    }

    @Test
    void constructor_refuses_parts_that_parse_would_refuse() {
        assertThatThrownBy(() -> new Reference("GHCR.io", "acme/a", null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("upper-case");
        assertThatThrownBy(() -> new Reference("ghcr.io", "acme/../a", null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'..'");
        assertThatThrownBy(() -> new Reference("acme", "a", null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("registry host");
        assertThatThrownBy(() -> new Reference("ghcr.io", "acme/a", "-x", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tag");
    }
}
