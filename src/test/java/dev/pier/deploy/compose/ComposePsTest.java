package dev.pier.deploy.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.deploy.compose.ComposePs.Container;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Both shapes of {@code docker compose ps --format json}, and what counts as healthy. */
class ComposePsTest {

    @Test
    void reads_the_json_array_compose_printed_before_2_21() {
        List<Container> cs = ComposePs.parse(ComposeFixtures.ARRAY_OK);
        assertThat(cs).extracting(Container::service).containsExactly("app", "redis");
        assertThat(cs.get(1)).isEqualTo(new Container("redis", "demo-redis-1", "running", "healthy", 0));
        assertThat(ComposePs.problems(cs, List.of("app", "redis"))).isEmpty();
    }

    @Test
    void reads_one_object_per_line_as_compose_prints_since_2_21() {
        List<Container> cs = ComposePs.parse(ComposeFixtures.NDJSON_OK);
        assertThat(cs).extracting(Container::service, Container::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple("app", "running"), org.assertj.core.groups.Tuple.tuple("redis",
                        "running"));
        assertThat(ComposePs.problems(cs, List.of("app", "redis"))).isEmpty();
    }

    @Test
    void names_every_service_that_is_not_running_and_healthy() {
        List<Container> cs = ComposePs.parse("""
                {"Service":"app","State":"Running","Health":"starting"}
                {"Service":"redis","State":"exited","ExitCode":137}
                {"Service":"migrate","State":"exited","ExitCode":0}
                {"Service":"worker","State":"restarting","Health":"unhealthy"}
                """);
        assertThat(ComposePs.problems(cs, List.of("app", "redis", "migrate", "worker", "cron"))).containsExactly(
                "app is running (starting)", "redis is exited, exit code 137", "worker is restarting (unhealthy)",
                "cron has no container");
    }

    @Test
    void an_empty_answer_means_no_container_for_any_service() {
        assertThat(ComposePs.parse("")).isEmpty();
        assertThat(ComposePs.parse("[]")).isEmpty();
        assertThat(ComposePs.problems(ComposePs.parse("\n"), List.of("app"))).containsExactly("app has no container");
    }

    @Test
    void output_that_is_not_json_is_refused_without_quoting_it() {
        assertThatThrownBy(() -> ComposePs.parse("{\"Service\":\"app\"}\nNAME  STATUS token=abc123\n"))
                .hasMessageContaining("line 2").hasMessageNotContaining("abc123");
        assertThatThrownBy(() -> ComposePs.parse("[1, 2]")).hasMessageContaining("JSON number where a container");
    }
}
