package dev.pier.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.config.SecretSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretResolverTest {

    @TempDir
    Path dir;

    @Test
    void reads_environment_variables_and_files_without_the_trailing_newline() throws Exception {
        Path f = Files.writeString(dir.resolve("token"), "from-file-value\n");
        SecretResolver r = new SecretResolver(Map.of("a", new SecretSource.FromEnv("A_VAR"),
                "b", new SecretSource.FromFile(f)), Map.of("A_VAR", "from-env-value"));

        assertThat(r.resolve(new LinkedHashSet<>(List.of("a", "b"))))
                .containsExactly(Map.entry("a", "from-env-value"), Map.entry("b", "from-file-value"));
    }

    @Test
    void every_missing_secret_is_named_with_its_source_and_no_value_is_shown() {
        SecretResolver r = new SecretResolver(Map.of("a", new SecretSource.FromEnv("A_VAR"),
                "b", new SecretSource.FromFile(dir.resolve("absent"))), Map.of("OTHER", "do-not-show"));

        assertThatThrownBy(() -> r.resolve(new LinkedHashSet<>(List.of("a", "b"))))
                .hasMessageContaining("A_VAR").hasMessageContaining("absent").hasMessageNotContaining("do-not-show");
    }
}
