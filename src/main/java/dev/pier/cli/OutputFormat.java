package dev.pier.cli;

/** {@code -o text|json}. */
public enum OutputFormat {
    text,
    json
}
