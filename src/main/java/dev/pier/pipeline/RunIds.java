package dev.pier.pipeline;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Random;

/** Run ids that sort by creation time: 10 characters of milliseconds, 16 random, Crockford base32, lower case. */
public final class RunIds {

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

    private final Clock clock;
    private final Random random;

    public RunIds(Clock clock) {
        this(clock, new SecureRandom());
    }

    RunIds(Clock clock, Random random) {
        this.clock = clock;
        this.random = random;
    }

    public String next() {
        char[] out = new char[26];
        long ms = clock.millis();
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (ms & 31)];
            ms >>>= 5;
        }
        for (int i = 10; i < 26; i++) {
            out[i] = ALPHABET[random.nextInt(32)];
        }
        return new String(out);
    }

    /** Whether {@code s} looks like a run id (so a typo gets "not a run id" rather than "not found"). */
    public static boolean isWellFormed(String s) {
        if (s == null || s.length() != 26) {
            return false;
        }
        for (char c : s.toCharArray()) {
            if (new String(ALPHABET).indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }
}
