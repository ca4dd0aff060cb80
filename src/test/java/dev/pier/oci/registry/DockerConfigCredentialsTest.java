package dev.pier.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.oci.OciException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigCredentialsTest {
    @TempDir
    Path dir;

    private DockerConfigCredentials config(String json) throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, json);
        return new DockerConfigCredentials(file, dir);
    }

    private void helper(String name, String script) throws Exception {
        Path helper = dir.resolve("docker-credential-" + name);
        Files.writeString(helper, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void a_missing_file_means_anonymous() throws Exception {
        assertThat(new DockerConfigCredentials(dir.resolve("nope.json"), null).lookup("ghcr.io")).isEmpty();
    }

    @Test
    void reads_base64_auth_and_username_password_under_several_key_spellings() throws Exception {
        String auth = Base64.getEncoder().encodeToString("alice:pa:ss".getBytes());
        DockerConfigCredentials c = config("{\"auths\":{\"https://ghcr.io\":{\"auth\":\"" + auth + "\"},"
                + "\"quay.io\":{\"username\":\"bob\",\"password\":\"pw\"}}}");
        assertThat(c.lookup("ghcr.io")).contains(new Credentials("alice", "pa:ss"));
        assertThat(c.lookup("quay.io")).contains(new Credentials("bob", "pw"));
        assertThat(c.lookup("docker.io")).isEmpty();
    }

    @Test
    void a_cred_helper_for_the_host_wins_and_a_store_covers_the_rest() throws Exception {
        helper("one", "read host; printf '{\"Username\":\"u1\",\"Secret\":\"s-%s\"}' \"$host\"");
        helper("store", "printf '{\"Username\":\"u2\",\"Secret\":\"s2\"}'");
        DockerConfigCredentials c = config("{\"credHelpers\":{\"ghcr.io\":\"one\"},\"credsStore\":\"store\"}");
        assertThat(c.lookup("ghcr.io")).contains(new Credentials("u1", "s-ghcr.io"));
        assertThat(c.lookup("quay.io")).contains(new Credentials("u2", "s2"));
    }

    @Test
    void a_helper_that_knows_nothing_means_anonymous() throws Exception {
        helper("none", "echo 'credentials not found in native keychain'; exit 1");
        assertThat(config("{\"credsStore\":\"none\"}").lookup("ghcr.io")).isEmpty();
    }

    @Test
    void refuses_odd_helper_names_and_bad_files_without_echoing_secrets() throws Exception {
        assertThatThrownBy(() -> config("{\"credHelpers\":{\"ghcr.io\":\"../../bin/sh\"}}").lookup("ghcr.io"))
                .isInstanceOf(OciException.class).hasMessageContaining("is not a plain name");
        assertThatThrownBy(() -> config("{\"auths\":{\"ghcr.io\":{\"auth\":\"%%%secret%%%\"}}}").lookup("ghcr.io"))
                .isInstanceOf(OciException.class).hasMessageNotContaining("secret");
        assertThatThrownBy(() -> config("{not json").lookup("ghcr.io")).isInstanceOf(OciException.class);
        assertThatThrownBy(() -> config("{\"credsStore\":\"absent\"}").lookup("ghcr.io"))
                .isInstanceOf(OciException.class).hasMessageContaining("docker-credential-absent");
    }
}
