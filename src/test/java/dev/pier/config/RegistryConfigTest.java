package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryConfigTest {

    @TempDir
    Path dir;

    static final String APPS = """
            apps:
              web:
                artifact: none
                sources: [{registry: ghcr.io, orgs: [acme]}]
                components: {app: {required: true}}
                environments:
                  live:
                    deployer: {type: command, commands: [{argv: ["true"]}]}
            """;

    @Test
    void registries_carry_mirrors_credentials_token_hosts_and_rate_limits() throws Exception {
        Path f = Files.writeString(dir.resolve("pier.yaml"), """
                version: 1
                secrets:
                  ghcr_token: {env: GHCR_TOKEN}
                registries:
                  ghcr.io:
                    mirror: https://registry.internal.example/ghcr
                    username: acme-bot
                    password: {secret: ghcr_token}
                    token_hosts: [auth.internal.example]
                    rate_limit: {per_second: 5, burst: 2}
                """ + APPS);

        NodeConfig cfg = ConfigLoader.load(f);

        RegistrySpec ghcr = cfg.registry("ghcr.io");
        assertThat(ghcr.mirror()).isEqualTo(URI.create("https://registry.internal.example/ghcr"));
        assertThat(ghcr.username()).isEqualTo("acme-bot");
        assertThat(ghcr.passwordSecret()).isEqualTo("ghcr_token");
        assertThat(ghcr.tokenHosts()).containsExactly("auth.internal.example");
        assertThat(ghcr.ratePerSecond()).isEqualTo(5.0);
        assertThat(ghcr.rateBurst()).isEqualTo(2);
        assertThat(cfg.registry("quay.io")).isEqualTo(RegistrySpec.defaults("quay.io"));
    }

    @Test
    void a_username_without_a_password_secret_and_an_undefined_secret_are_refused() throws Exception {
        Path noPassword = Files.writeString(dir.resolve("a.yaml"), """
                version: 1
                registries:
                  ghcr.io: {username: acme-bot}
                """ + APPS);
        Path undefined = Files.writeString(dir.resolve("b.yaml"), """
                version: 1
                registries:
                  ghcr.io: {username: acme-bot, password: {secret: nope}}
                """ + APPS);

        assertThatThrownBy(() -> ConfigLoader.load(noPassword)).hasMessageContaining("$.registries.ghcr.io")
                .hasMessageContaining("password");
        assertThatThrownBy(() -> ConfigLoader.load(undefined))
                .hasMessageContaining("$.registries.ghcr.io.password.secret").hasMessageContaining("'nope'");
    }
}
