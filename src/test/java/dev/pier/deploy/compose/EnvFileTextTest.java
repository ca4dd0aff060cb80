package dev.pier.deploy.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Values single-quoted, so Compose reads $, # and spaces literally; what it cannot carry is refused unquoted. */
class EnvFileTextTest {

    @Test
    void values_are_single_quoted_in_order() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("REDIS_PASSWORD", "p$w d#1\"x");
        v.put("EMPTY", "");
        assertThat(EnvFileText.of(v, Map.of())).isEqualTo("# written by pier; removed when the deploy ends\n"
                + "REDIS_PASSWORD='p$w d#1\"x'\nEMPTY=''\n");
    }

    @Test
    void a_value_compose_cannot_carry_unchanged_is_refused_by_name_never_quoted() {
        for (String bad : new String[] {"it's", "two\nlines", "cr\rhere", "ends\\"}) {
            assertThatThrownBy(() -> EnvFileText.of(Map.of("PW", bad), Map.of("PW", "secret pw")))
                    .hasMessageContaining("env_file.PW (secret pw)").hasMessageNotContaining(bad);
        }
    }
}
