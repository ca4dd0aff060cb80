package dev.pier.oci;

import static dev.pier.oci.InvalidReferenceException.Problem.DIGEST;
import static dev.pier.oci.Quote.quote;

/**
 * A content digest. Pier accepts only {@code sha256} with exactly 64 lower-case hex characters,
 * so that two spellings of one digest can never compare unequal.
 */
public record Digest(String algorithm, String hex) {

    public static final String SHA256 = "sha256";
    static final int SHA256_HEX_LENGTH = 64;

    public Digest {
        String problem = problem(algorithm, hex);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    public static Digest parse(String text) throws InvalidReferenceException {
        if (text == null || text.isEmpty()) {
            throw new InvalidReferenceException(DIGEST, "digest is empty");
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new InvalidReferenceException(DIGEST,
                    "digest " + quote(text) + " must be algorithm:hex, e.g. sha256:<64 hex characters>");
        }
        String algorithm = text.substring(0, colon);
        String hex = text.substring(colon + 1);
        String problem = problem(algorithm, hex);
        if (problem != null) {
            throw new InvalidReferenceException(DIGEST, problem);
        }
        return new Digest(algorithm, hex);
    }

    /** Returns what is wrong, or null. Checked in this order so the message names the first fault. */
    private static String problem(String algorithm, String hex) {
        if (algorithm == null || hex == null) {
            return "digest algorithm and hex are required";
        }
        if (!SHA256.equals(algorithm)) {
            return SHA256.equalsIgnoreCase(algorithm)
                    ? "digest algorithm " + quote(algorithm) + " must be lower case: sha256"
                    : "digest algorithm " + quote(algorithm) + " is not supported: only sha256 is accepted";
        }
        boolean upper = false;
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (c >= 'A' && c <= 'F') {
                upper = true;
            } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return "digest hex has a character that is not hex: " + quote(String.valueOf(c));
            }
        }
        if (hex.length() != SHA256_HEX_LENGTH) {
            return "sha256 digest must have exactly 64 hex characters, got " + hex.length();
        }
        if (upper) {
            return "upper-case hex is not allowed in a digest: write it in lower case";
        }
        return null;
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
