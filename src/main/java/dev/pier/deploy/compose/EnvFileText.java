package dev.pier.deploy.compose;

import java.util.Map;

/**
 * The env file {@code docker compose --env-file} reads. Values are written single-quoted, which Compose's dotenv
 * parser takes literally (no {@code $} expansion, no {@code #} comments); a value it could not carry unchanged (a
 * single quote, a line break, a trailing backslash) is refused by name, never quoted in the message.
 */
final class EnvFileText {

    private EnvFileText() {}

    /**
     * @param values variable → value, in file order
     * @param source variable → where the value came from, for messages ("secret redis_password")
     */
    static String of(Map<String, String> values, Map<String, String> source) {
        StringBuilder sb = new StringBuilder("# written by pier; removed when the deploy ends\n");
        values.forEach((name, value) -> {
            if (value.indexOf('\'') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0
                    || value.endsWith("\\")) {
                throw new IllegalArgumentException("env_file." + name + " (" + source.getOrDefault(name, "literal")
                        + ") holds a single quote, a line break or a trailing backslash, which a Compose env file"
                        + " cannot carry unchanged");
            }
            sb.append(name).append("='").append(value).append("'\n");
        });
        return sb.toString();
    }
}
