package dev.pier.config;

/** Where a secret's value lives on the node: an environment variable or a file. Never in a signal. */
public sealed interface SecretSource {
    record FromEnv(String variable) implements SecretSource {}

    record FromFile(java.nio.file.Path file) implements SecretSource {}
}
