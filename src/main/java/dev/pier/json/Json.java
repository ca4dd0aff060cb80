package dev.pier.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.UncheckedIOException;

/**
 * The one JSON mapping Pier uses for storage, {@code -o json} and the API: snake_case fields,
 * ISO-8601 times, nulls kept (an orchestrator reads {@code "deployed_url": null} as "not yet").
 */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .registerModule(wireNames())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setSerializationInclusion(JsonInclude.Include.ALWAYS)
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Json() {}

    // Run statuses travel as their wire names (queued, awaiting_approval, …), as the API documents them.
    private static com.fasterxml.jackson.databind.module.SimpleModule wireNames() {
        var module = new com.fasterxml.jackson.databind.module.SimpleModule("pier-wire-names");
        module.addSerializer(dev.pier.pipeline.RunStatus.class,
                new com.fasterxml.jackson.databind.ser.std.StdSerializer<>(dev.pier.pipeline.RunStatus.class) {
                    @Override
                    public void serialize(dev.pier.pipeline.RunStatus v, com.fasterxml.jackson.core.JsonGenerator g,
                                          com.fasterxml.jackson.databind.SerializerProvider p) throws java.io.IOException {
                        g.writeString(v.wireName());
                    }
                });
        module.addDeserializer(dev.pier.pipeline.RunStatus.class,
                new com.fasterxml.jackson.databind.deser.std.StdDeserializer<>(dev.pier.pipeline.RunStatus.class) {
                    @Override
                    public dev.pier.pipeline.RunStatus deserialize(com.fasterxml.jackson.core.JsonParser p,
                            com.fasterxml.jackson.databind.DeserializationContext c) throws java.io.IOException {
                        return dev.pier.pipeline.RunStatus.fromWire(p.getValueAsString());
                    }
                });
        return module;
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String writePretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T read(String json, com.fasterxml.jackson.core.type.TypeReference<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
