package dev.pier.signal;

import dev.pier.oci.InvalidReferenceException;
import dev.pier.oci.Reference;
import java.util.List;

/** Parses a reference-valued argument, turning a refusal into a violation with its own rule id. */
final class ReferenceArguments {

    private ReferenceArguments() {}

    /** Returns the reference, or null after adding a violation. */
    static Reference parse(String argument, String text, boolean oci, List<Violation> violations) {
        try {
            return oci ? Reference.parseOci(text) : Reference.parse(text);
        } catch (InvalidReferenceException e) {
            violations.add(new Violation(argument, rule(e.problem()), e.getMessage()));
            return null;
        }
    }

    static String rule(InvalidReferenceException.Problem problem) {
        return switch (problem) {
            case SYNTAX -> "invalid-reference";
            case MISSING_REGISTRY -> "missing-registry";
            case SCHEME -> "invalid-scheme";
            case DIGEST -> "invalid-digest";
            case TOO_LONG -> "too-long";
        };
    }
}
