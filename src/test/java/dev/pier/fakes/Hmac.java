package dev.pier.fakes;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The receiver's side of Pier's signature, written from the README rather than from Pier's code, so a test fails
 * when Pier signs differently from what it documents.
 */
public final class Hmac {

    private Hmac() {}

    /** {@code sha256=} + hex HMAC-SHA256 of {@code timestamp + "." + content}. */
    public static String sign(String key, String timestamp, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + content)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time, as the README asks of receivers. */
    public static boolean verify(String key, String timestamp, String content, String header) {
        return header != null && MessageDigest.isEqual(sign(key, timestamp, content).getBytes(StandardCharsets.UTF_8),
                header.getBytes(StandardCharsets.UTF_8));
    }
}
