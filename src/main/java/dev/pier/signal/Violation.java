package dev.pier.signal;

import java.util.Objects;

/**
 * One reason a signal is refused.
 *
 * @param argument the argument at fault: {@code --chart}, {@code --images}, {@code --images.api}, …
 * @param rule     a stable id for the rule broken, e.g. {@code unknown-component}
 * @param message  what is wrong, for a person; untrusted text in it is quoted and cut short
 */
public record Violation(String argument, String rule, String message) {

    public Violation {
        Objects.requireNonNull(argument, "argument");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(message, "message");
    }

    /** {@code --chart: must start with oci://} */
    public String line() {
        return argument + ": " + message;
    }
}
