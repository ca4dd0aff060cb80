package dev.pier.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.oci.OciException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The real registry behind htpasswd basic auth. */
class BasicAuthTest {
    static final String USER = "pier";
    static final String PASSWORD = "s3cret-Pa55word";

    @RegisterExtension
    static final RegistryServer REGISTRY = RegistryServer.withBasicAuth(USER, PASSWORD);

    @TempDir
    Path dir;

    private RegistryClient client(CredentialSource credentials) {
        return RegistryClient.builder(RegistryEndpoint.loopbackHttp(REGISTRY.host()))
                .credentials(credentials).retry(RetryPolicy.none()).build();
    }

    @Test
    void pushes_and_pulls_with_the_right_credentials() throws Exception {
        try (RegistryClient c = client(CredentialSource.of(new Credentials(USER, PASSWORD)))) {
            c.ping();
            var digest = RegistryClientTest.pushImage(c, "acme/private", "v1", Blobs.random(100, 1));
            assertThat(c.manifest("acme/private", "v1").digest()).isEqualTo(digest);
            assertThat(c.tags("acme/private")).containsExactly("v1");
        }
    }

    @Test
    void a_wrong_password_is_a_clear_401_without_the_password() {
        String wrong = "wrong-Pa55word-42";
        try (RegistryClient c = client(CredentialSource.of(new Credentials(USER, wrong)))) {
            assertThatThrownBy(() -> c.manifest("acme/private", "v1"))
                    .isInstanceOf(OciException.class)
                    .hasMessageStartingWith("tried to fetch manifest acme/private:v1 from " + REGISTRY.host()
                            + " but the registry answered 401 UNAUTHORIZED")
                    .hasMessageEndingWith("(the credentials configured for " + REGISTRY.host() + " were refused)")
                    .satisfies(e -> {
                        assertThat(((OciException) e).kind()).isEqualTo(OciException.Kind.UNAUTHORIZED);
                        assertThat(e.getMessage()).doesNotContain(wrong)
                                .doesNotContain(Base64.getEncoder().encodeToString((USER + ":" + wrong).getBytes()));
                    });
        }
    }

    @Test
    void no_credentials_is_a_clear_401() {
        try (RegistryClient c = client(CredentialSource.anonymous())) {
            assertThatThrownBy(c::ping).isInstanceOf(OciException.class)
                    .hasMessageEndingWith("(no credentials are configured for " + REGISTRY.host() + ")");
        }
    }

    @Test
    void credentials_never_show_in_to_string() {
        assertThat(new Credentials(USER, PASSWORD).toString()).doesNotContain(PASSWORD);
    }

    @Test
    void reads_credentials_from_a_docker_config_auths_entry() throws Exception {
        String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"auths\":{\"" + REGISTRY.host() + "\":{\"auth\":\"" + auth + "\"}}}");
        try (RegistryClient c = client(new DockerConfigCredentials(config, null))) {
            c.ping();
        }
    }

    @Test
    void reads_credentials_from_a_credential_helper() throws Exception {
        Path helper = dir.resolve("docker-credential-pier-test");
        Path seen = dir.resolve("seen");
        Files.writeString(helper, "#!/bin/sh\n[ \"$1\" = get ] || exit 3\ncat > " + seen + "\n"
                + "printf '{\"ServerURL\":\"x\",\"Username\":\"" + USER + "\",\"Secret\":\"" + PASSWORD + "\"}'\n");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"credHelpers\":{\"" + REGISTRY.host() + "\":\"pier-test\"}}");
        try (RegistryClient c = client(new DockerConfigCredentials(config, dir))) {
            c.ping();
        }
        assertThat(Files.readString(seen)).isEqualTo(REGISTRY.host());
    }
}
