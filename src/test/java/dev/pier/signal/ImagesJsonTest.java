package dev.pier.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.junit.jupiter.api.Test;

class ImagesJsonTest {

    @Test
    void parses_an_object_of_strings_in_document_order() throws Exception {
        assertThat(ImagesJson.parse(" {\"web\":\"w\", \"api\":\"a\"}\n")).containsExactly(entry("web", "w"), entry("api", "a"));
    }

    @Test
    void accepts_an_empty_object() throws Exception {
        assertThat(ImagesJson.parse("{}")).isEmpty();
    }

    @Test
    void names_the_duplicate_key() {
        assertThat(refusal("{\"api\":\"a\",\"web\":\"w\",\"api\":\"b\"}")).isEqualTo("--images: duplicate key 'api'");
    }

    @Test
    void says_what_it_got_instead_of_an_object() {
        assertThat(refusal("[\"a\"]")).isEqualTo("--images: must be a JSON object, got an array");
        assertThat(refusal("\"ghcr.io/acme/api:1\"")).isEqualTo("--images: must be a JSON object, got a string");
        assertThat(refusal("null")).isEqualTo("--images: must be a JSON object, got null");
        assertThat(refusal("42")).isEqualTo("--images: must be a JSON object, got a number");
        assertThat(refusal("true")).isEqualTo("--images: must be a JSON object, got a boolean");
    }

    @Test
    void refuses_content_after_the_object() {
        assertThat(refusal("{\"api\":\"a\"} {\"api\":\"b\"}"))
                .isEqualTo("--images: has content after the JSON object (line 1, column 13)");
        assertThat(refusal("{\"api\":\"a\"} x")).startsWith("--images: ");
    }

    @Test
    void reports_every_value_that_is_not_a_string() {
        InvalidSignalException e = catchThrowableOfType(InvalidSignalException.class,
                () -> ImagesJson.parse("{\"api\":1,\"web\":{\"image\":\"x\"},\"worker\":null,\"ok\":\"s\"}"));

        assertThat(e.violations()).extracting(Violation::argument, Violation::rule, Violation::message).containsExactly(
                tuple("--images.api", "not-string", "value of 'api' must be a string, got a number"),
                tuple("--images.web", "not-string", "value of 'web' must be a string, got an object"),
                tuple("--images.worker", "not-string", "value of 'worker' must be a string, got null"));
    }

    @Test
    void refuses_empty_and_blank_input() {
        assertThat(refusal("")).startsWith("--images: is empty");
        assertThat(refusal(" \n\t")).startsWith("--images: is empty");
        assertThat(rule(null)).isEqualTo("required");
    }

    @Test
    void explains_invalid_json_briefly_without_echoing_a_huge_input() {
        String huge = "{\"api\":" + "x".repeat(60_000) + "}";

        String message = refusal(huge);

        assertThat(message).startsWith("--images: is not valid JSON: Unrecognized token");
        assertThat(message).hasSizeLessThan(250).contains("(line 1, column");
        assertThat(rule(huge)).isEqualTo("invalid-json");
    }

    @Test
    void refuses_more_than_64_kib_before_parsing() {
        String big = "{\"api\":\"" + "a".repeat(ImagesJson.MAX_BYTES) + "\"}";

        assertThat(rule(big)).isEqualTo("too-large");
        assertThat(refusal(big)).contains("at most 65536");
    }

    @Test
    void counts_the_limit_in_utf8_bytes_not_characters() throws Exception {
        String justFits = "{\"k\":\"" + "a".repeat(ImagesJson.MAX_BYTES - 10) + "\"}";
        String multiByte = "{\"k\":\"" + "\u00e9".repeat(ImagesJson.MAX_BYTES / 2) + "\"}";

        assertThat(ImagesJson.parse(justFits)).containsKey("k");
        assertThat(rule(multiByte)).isEqualTo("too-large");
    }

    @Test
    void refuses_comments_and_single_quotes() {
        assertThat(rule("{\"api\":\"a\"} // note")).isEqualTo("invalid-json");
        assertThat(rule("{'api':'a'}")).isEqualTo("invalid-json");
    }

    private static String refusal(String json) {
        InvalidSignalException e = catchThrowableOfType(InvalidSignalException.class, () -> ImagesJson.parse(json));
        assertThat(e).as("refused: %s", json).isNotNull();
        return e.getMessage();
    }

    private static String rule(String json) {
        InvalidSignalException e = catchThrowableOfType(InvalidSignalException.class, () -> ImagesJson.parse(json));
        assertThat(e).as("refused").isNotNull();
        List<Violation> violations = e.violations();
        assertThat(violations).hasSize(1);
        return violations.get(0).rule();
    }
}
