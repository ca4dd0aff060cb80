package dev.pier.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Loads the node config: YAML, checked against the published JSON Schema, then bound to records with
 * the checks a schema cannot express (references between sections, files that must exist, templates).
 */
public final class ConfigLoader {

    public static final String SCHEMA_RESOURCE = "/dev/pier/config/pier-config.schema.json";
    private static final long MAX_BYTES = 1 << 20;

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());
    private static final JsonSchema SCHEMA = loadSchema();

    private ConfigLoader() {}

    public static NodeConfig load(Path file) throws ConfigException {
        String name = file.toString();
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigException(name + ": file is larger than 1 MiB");
            }
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(name + ": cannot read (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")");
        }
        JsonNode root = parse(name, text);
        List<String> schemaProblems = validate(root).stream()
                .map(p -> name + ": " + p)
                .toList();
        if (!schemaProblems.isEmpty()) {
            throw new ConfigException(schemaProblems);
        }
        return new ConfigBinder(file, root).bind();
    }

    /** Schema problems as {@code $.path: message}, sorted by path. Empty when valid. */
    public static List<String> validate(JsonNode root) {
        Set<ValidationMessage> messages = SCHEMA.validate(root);
        return messages.stream()
                .sorted(Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation().toString())
                        .thenComparing(ValidationMessage::getMessage))
                .map(ConfigLoader::describe)
                .distinct()
                .toList();
    }

    private static String describe(ValidationMessage m) {
        String msg = m.getMessage();
        String loc = m.getInstanceLocation().toString();
        // networknt prefixes the location itself; keep one copy.
        return msg.startsWith(loc) ? msg : loc + ": " + msg;
    }

    private static JsonNode parse(String name, String text) throws ConfigException {
        try {
            JsonNode root = YAML.readTree(text);
            if (root == null || root.isMissingNode() || root.isNull()) {
                throw new ConfigException(name + ": file is empty");
            }
            return root;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new ConfigException(name + where + ": not valid YAML: " + e.getOriginalMessage());
        }
    }

    public static String schemaText() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("schema resource missing from the build: " + SCHEMA_RESOURCE);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonSchema loadSchema() {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaText());
    }
}
