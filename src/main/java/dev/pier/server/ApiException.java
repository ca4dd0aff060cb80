package dev.pier.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.json.ErrorJson;

/** An API refusal: its HTTP status and the JSON body, whose message is what the CLI would print. */
final class ApiException extends RuntimeException {

    private final int status;
    private final transient ObjectNode body;

    ApiException(int status, String code, String message) {
        this(status, ErrorJson.of(code, message));
    }

    ApiException(int status, ObjectNode body) {
        super(body.path("message").asText());
        this.status = status;
        this.body = body;
    }

    int status() {
        return status;
    }

    ObjectNode body() {
        return body;
    }

    static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message);
    }

    static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }
}
