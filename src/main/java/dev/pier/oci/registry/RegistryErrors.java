package dev.pier.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.oci.OciException;
import dev.pier.oci.OciException.Kind;
import dev.pier.oci.Quote;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * The one place where HTTP statuses, OCI error codes ({@code {"errors":[{"code":"MANIFEST_UNKNOWN",...}]}})
 * and transport failures become Pier errors. Every message names the action and the registry; registry
 * text is quoted printable and cut short; credentials and tokens never appear.
 */
public final class RegistryErrors {
    static final int MAX_DETAIL = 200;

    private RegistryErrors() {}

    /** An OCI error from the registry's error body, when it has one. */
    record OciError(String code, String message, int more) {}

    static OciError parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode errors = RegistryJson.tree(body).path("errors");
            if (!errors.isArray() || errors.isEmpty()) {
                return null;
            }
            JsonNode first = errors.get(0);
            String code = first.hasNonNull("code") ? first.get("code").asText() : null;
            String message = first.hasNonNull("message") ? first.get("message").asText() : null;
            return new OciError(code, message, errors.size() - 1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The registry answered {@code status}, which the action did not expect. */
    public static OciException fromResponse(String action, int status, byte[] body, String hint) {
        OciError error = parse(body);
        String code = error == null || error.code() == null ? null : Quote.printable(error.code(), 40);
        StringBuilder msg = new StringBuilder("tried to ").append(action)
                .append(" but the registry answered ").append(status);
        if (code != null) {
            msg.append(' ').append(code);
        }
        String detail = error != null ? error.message() : plainText(body);
        if (detail != null && !detail.isBlank()) {
            msg.append(": ").append(Quote.printable(detail.strip(), MAX_DETAIL));
        }
        if (error != null && error.more() > 0) {
            msg.append(" (and ").append(error.more()).append(" more error").append(error.more() > 1 ? "s" : "").append(')');
        }
        if (hint != null) {
            msg.append(" (").append(hint).append(')');
        }
        return new OciException(kind(status, code), status, code, msg.toString(), null);
    }

    static OciException fromResponse(Action action, int status, byte[] body, String hint) {
        return fromResponse(action.description(), status, body, hint);
    }

    static Kind kind(int status, String code) {
        if (code != null) {
            switch (code) {
                case "MANIFEST_UNKNOWN", "BLOB_UNKNOWN", "NAME_UNKNOWN", "BLOB_UPLOAD_UNKNOWN":
                    return Kind.NOT_FOUND;
                case "UNAUTHORIZED":
                    return Kind.UNAUTHORIZED;
                case "DENIED":
                    return Kind.DENIED;
                case "TOOMANYREQUESTS":
                    return Kind.TOO_MANY_REQUESTS;
                case "DIGEST_INVALID", "SIZE_INVALID", "NAME_INVALID", "TAG_INVALID", "MANIFEST_INVALID",
                     "MANIFEST_UNVERIFIED", "MANIFEST_BLOB_UNKNOWN", "BLOB_UPLOAD_INVALID", "UNSUPPORTED",
                     "RANGE_INVALID", "PAGINATION_NUMBER_INVALID":
                    return Kind.INVALID;
                default:
                    break;
            }
        }
        if (status == 401) {
            return Kind.UNAUTHORIZED;
        }
        if (status == 403) {
            return Kind.DENIED;
        }
        if (status == 404) {
            return Kind.NOT_FOUND;
        }
        if (status == 413) {
            return Kind.TOO_LARGE;
        }
        if (status == 429) {
            return Kind.TOO_MANY_REQUESTS;
        }
        if (status >= 500) {
            return Kind.UNAVAILABLE;
        }
        if (status >= 400) {
            return Kind.INVALID;
        }
        return Kind.PROTOCOL;
    }

    /** Whether a status is worth another attempt. */
    static boolean retryable(int status) {
        return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    static OciException unreachable(Action action, String registry, IOException cause, int attempts) {
        String what = cause instanceof HttpTimeoutException ? "timed out"
                : cause instanceof ConnectException ? "could not connect"
                : "the connection failed (" + cause.getClass().getSimpleName()
                        + (cause.getMessage() == null ? "" : ": " + Quote.printable(cause.getMessage(), 120)) + ")";
        return new OciException(Kind.UNREACHABLE, 0, null, "tried to " + action + " but " + what + " talking to "
                + registry + (attempts > 1 ? " after " + attempts + " attempts" : ""), cause);
    }

    static OciException corrupt(Action action, String detail) {
        return new OciException(Kind.CORRUPT, 0, null, "tried to " + action + " but " + detail
                + "; the content was not accepted", null);
    }

    static OciException tooLarge(Action action, long limit) {
        return new OciException(Kind.TOO_LARGE, 0, null, "tried to " + action + " but it is larger than the "
                + limit + " bytes Pier accepts", null);
    }

    static OciException protocol(Action action, String detail) {
        return new OciException(Kind.PROTOCOL, 0, null, "tried to " + action + " but " + detail, null);
    }

    static OciException protocol(Action action, int status, String detail) {
        return new OciException(Kind.PROTOCOL, status, null, "tried to " + action + " but " + detail, null);
    }

    /** The text of a non-JSON error body, when it is short printable text worth showing. */
    private static String plainText(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        String text = new String(body, 0, Math.min(body.length, 512), StandardCharsets.UTF_8).strip();
        if (text.startsWith("<") || text.startsWith("{")) {
            return null;
        }
        return text;
    }
}
