package dev.pier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.json.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The CLI's side of the API: {@code pier deploy --server}, {@code pier approve}, {@code pier reject}. */
final class ApiClient {

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private ApiClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    /** The server from {@code --server} or {@code $PIER_SERVER}; the token from a file or {@code $PIER_TOKEN}. */
    static ApiClient of(CliContext ctx, String server, Path tokenFile) {
        String url = server != null ? server : ctx.env().get("PIER_SERVER");
        if (url == null || url.isBlank()) {
            throw new CliException(ExitCodes.INVALID, "--server: the Pier server URL (or set PIER_SERVER)");
        }
        URI base;
        try {
            base = URI.create(url.replaceAll("/+$", ""));
            if (!("http".equals(base.getScheme()) || "https".equals(base.getScheme())) || base.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.INVALID, "--server: '" + url + "' " + e.getMessage());
        }
        String token;
        try {
            token = tokenFile != null ? Files.readString(ctx.cwd().resolve(tokenFile)).strip() : ctx.env().get("PIER_TOKEN");
        } catch (IOException e) {
            throw new CliException(ExitCodes.INVALID, "--token-file: cannot read " + tokenFile);
        }
        return new ApiClient(base, token == null || token.isBlank() ? null : token.strip());
    }

    record Response(int status, JsonNode body) {
        String message() {
            return body.path("message").asText("HTTP " + status);
        }
    }

    Response get(String path, Duration timeout) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET());
    }

    Response post(String path, JsonNode body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : Json.write(body))));
    }

    private Response send(HttpRequest.Builder b) {
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.header("User-Agent", "pier-cli");
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = r.body().isBlank() ? Json.mapper().createObjectNode() : Json.mapper().readTree(r.body());
            } catch (IOException e) {
                body = dev.pier.json.ErrorJson.of("bad_response", "the server answered " + r.statusCode()
                        + " with a body that is not JSON");
            }
            return new Response(r.statusCode(), body);
        } catch (ConnectException e) {
            throw new CliException(ExitCodes.FAILED, "cannot reach the Pier server at " + base + ": connection refused");
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot reach the Pier server at " + base + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.NOT_FINISHED, "interrupted while talking to " + base);
        }
    }

    /** The exit code for a refusal, matching local mode. */
    static int exitCode(int status) {
        return switch (status) {
            case 400, 404 -> ExitCodes.INVALID;
            case 401, 403, 409, 422 -> ExitCodes.REFUSED;
            default -> ExitCodes.FAILED;
        };
    }

    URI base() {
        return base;
    }
}
