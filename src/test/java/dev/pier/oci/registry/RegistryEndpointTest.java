package dev.pier.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class RegistryEndpointTest {

    @Test
    void https_by_default_and_http_only_for_loopback() {
        assertThat(RegistryEndpoint.https("ghcr.io").baseUri()).isEqualTo(URI.create("https://ghcr.io"));
        assertThat(RegistryEndpoint.loopbackHttp("127.0.0.1:5000").baseUri()).isEqualTo(URI.create("http://127.0.0.1:5000"));
        assertThat(RegistryEndpoint.loopbackHttp("localhost:5000").baseUri().getHost()).isEqualTo("localhost");
        assertThat(RegistryEndpoint.loopbackHttp("[::1]:5000").baseUri().getHost()).isEqualTo("[::1]");
        assertThatThrownBy(() -> RegistryEndpoint.loopbackHttp("registry.example.com"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain http to registry registry.example.com");
        assertThatThrownBy(() -> RegistryEndpoint.loopbackHttp("127.0.0.1.evil.com"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_mirror_rewrites_the_base_and_insecure_must_be_explicit() {
        RegistryEndpoint mirror = RegistryEndpoint.mirror("ghcr.io", URI.create("https://mirror.internal/ghcr/"));
        assertThat(mirror.host()).isEqualTo("ghcr.io");
        assertThat(mirror.resolve("/v2/")).isEqualTo(URI.create("https://mirror.internal/ghcr/v2/"));
        assertThatThrownBy(() -> RegistryEndpoint.mirror("ghcr.io", URI.create("http://mirror.internal")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new RegistryEndpoint("ghcr.io", URI.create("http://mirror.internal"), true).baseUri().getScheme())
                .isEqualTo("http");
    }

    @Test
    void refuses_user_info_queries_and_odd_schemes() {
        assertThatThrownBy(() -> RegistryEndpoint.mirror("ghcr.io", URI.create("https://u:p@mirror")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("u:p");
        assertThatThrownBy(() -> RegistryEndpoint.mirror("ghcr.io", URI.create("https://mirror?x=1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RegistryEndpoint.mirror("ghcr.io", URI.create("ftp://mirror")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RegistryEndpoint.https("ghcr.io@evil.com")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void same_origin_compares_scheme_host_and_port() {
        RegistryEndpoint e = RegistryEndpoint.https("ghcr.io");
        assertThat(e.sameOrigin(URI.create("https://ghcr.io:443/v2/x"))).isTrue();
        assertThat(e.sameOrigin(URI.create("https://GHCR.io/v2/x"))).isTrue();
        assertThat(e.sameOrigin(URI.create("https://ghcr.io.evil.com/v2/x"))).isFalse();
        assertThat(e.sameOrigin(URI.create("http://ghcr.io/v2/x"))).isFalse();
        assertThat(e.transportAllowed(URI.create("http://pkg-containers.githubusercontent.com/x"))).isFalse();
        assertThat(e.transportAllowed(URI.create("https://pkg-containers.githubusercontent.com/x"))).isTrue();
    }
}
