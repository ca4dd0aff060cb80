package dev.pier.signal;

import static dev.pier.oci.Quote.printable;
import static dev.pier.oci.Quote.quote;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code --images} argument: exactly one JSON object of component → image reference strings. */
public final class ImagesJson {
    public static final int MAX_BYTES = 64 * 1024;
    static final String ARGUMENT = "--images";
    private static final int MAX_REASON = 120;
    private static final String DUPLICATE = "Duplicate field '";
    private static final String TRAILING = "Trailing token";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ImagesJson() {}

    public static LinkedHashMap<String, String> parse(String json) throws InvalidSignalException {
        if (json == null) {
            throw refuse("required", "is required");
        }
        if (json.isBlank()) {
            throw refuse("empty", "is empty; expected a JSON object such as {\"api\":\"ghcr.io/org/app/api:tag\"}");
        }
        // Cheap bound first (every char is at least one byte), then the exact UTF-8 size.
        int bytes = json.length() > MAX_BYTES ? json.length() : json.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw refuse("too-large", "is at least " + bytes + " bytes; at most " + MAX_BYTES + " are allowed");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw refuse(e);
        }
        if (root == null || root.isMissingNode()) {
            throw refuse("empty", "is empty; expected a JSON object");
        }
        if (!root.isObject()) {
            throw refuse("not-object", "must be a JSON object, got " + describe(root));
        }
        LinkedHashMap<String, String> images = new LinkedHashMap<>();
        List<Violation> violations = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getValue().isTextual()) {
                images.put(field.getKey(), field.getValue().textValue());
            } else {
                violations.add(new Violation(Names.imageArgument(field.getKey()), "not-string",
                        "value of " + quote(field.getKey()) + " must be a string, got " + describe(field.getValue())));
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidSignalException(violations);
        }
        return images;
    }

    private static InvalidSignalException refuse(JsonProcessingException e) {
        String reason = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (reason.startsWith(DUPLICATE) && reason.endsWith("'")) {
            String key = reason.substring(DUPLICATE.length(), reason.length() - 1);
            return refuse("duplicate-key", "duplicate key " + quote(key));
        }
        if (reason.startsWith(TRAILING)) {
            return refuse("invalid-json", "has content after the JSON object" + at(e.getLocation()));
        }
        // Jackson's reason may quote a token from the input: keep it short and printable.
        return refuse("invalid-json", "is not valid JSON: " + printable(reason, MAX_REASON) + at(e.getLocation()));
    }

    private static String at(JsonLocation location) {
        return location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case BINARY, MISSING -> "nothing";
        };
    }

    private static InvalidSignalException refuse(String rule, String message) {
        return new InvalidSignalException(new Violation(ARGUMENT, rule, message));
    }
}
