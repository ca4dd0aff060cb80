package dev.pier.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.pipeline.Deployer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeployersTest {

    private final Deployers deployers = Deployers.standard(new ProcessGroupRunner());

    @Test
    void eachKnownTypeMapsToTheDeployerOfThatType() {
        assertThat(deployers.types()).containsExactly("command", "helm");
        assertThat(deployers.get("command")).isInstanceOf(CommandDeployer.class);
        assertThat(deployers.get("helm")).isInstanceOf(HelmDeployer.class);
    }

    @Test
    void anUnknownTypeIsRefusedListingTheKnownOnes() {
        assertThatThrownBy(() -> deployers.get("argocd"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown deployer type 'argocd' (known: command, helm)");
    }

    @Test
    void aDeployerRegisteredUnderAnotherTypeIsRefused() {
        Deployer helm = deployers.get("helm");

        assertThatThrownBy(() -> new Deployers(Map.of("command", helm)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reports type 'helm'");
    }
}
