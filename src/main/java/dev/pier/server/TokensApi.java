package dev.pier.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.auth.ApiToken;
import dev.pier.auth.Principal;
import dev.pier.auth.Scope;
import dev.pier.auth.Tokens;
import dev.pier.config.Durations;
import dev.pier.json.Json;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Token management for admins: {@code POST/GET /api/v1/tokens}, {@code DELETE /api/v1/tokens/{id}}. */
public final class TokensApi {

    private final Tokens tokens;
    private final ApiAuth auth;
    private final Clock clock;

    public TokensApi(Tokens tokens, ApiAuth auth, Clock clock) {
        this.tokens = tokens;
        this.auth = auth;
        this.clock = clock;
    }

    void create(Context ctx) {
        Principal admin = admin(ctx);
        JsonNode body;
        try {
            body = Json.mapper().readTree(ctx.body());
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("the body must be {\"owner\": …, \"scopes\": […], \"expires\": \"30d\"}");
        }
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the body must be {\"owner\": …, \"scopes\": […], \"expires\": \"30d\"}");
        }
        List<Scope> scopes = new ArrayList<>();
        Duration lifetime;
        try {
            body.path("scopes").forEach(s -> scopes.add(Scope.parse(s.asText())));
            lifetime = body.hasNonNull("expires") ? Durations.parse(body.get("expires").asText()) : null;
            Tokens.Created made = tokens.create(body.path("owner").asText(null), scopes, lifetime,
                    body.path("description").asText(null), admin.name());
            ObjectNode out = json(made.token());
            out.put("token", made.secret());
            PierServer.send(ctx, 201, out);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    void list(Context ctx) {
        admin(ctx);
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode arr = out.putArray("tokens");
        tokens.list().forEach(t -> arr.add(json(t)));
        PierServer.send(ctx, 200, out);
    }

    void revoke(Context ctx) {
        admin(ctx);
        String id = ctx.pathParam("id");
        if (!tokens.revoke(id)) {
            throw ApiException.notFound("no active token " + id);
        }
        PierServer.send(ctx, 200, Json.mapper().createObjectNode().put("id", id).put("state", "revoked"));
    }

    private Principal admin(Context ctx) {
        Principal p = auth.known(auth.identify(ctx)).orElseThrow(() -> ApiException.forbidden(
                "managing tokens needs an admin API token"));
        if (!p.isAdmin()) {
            throw ApiException.forbidden(p.name() + "'s token has no admin scope");
        }
        return p;
    }

    ObjectNode json(ApiToken t) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("id", t.id()).put("owner", t.owner()).put("state", t.state(clock.instant()))
                .put("description", t.description()).put("created_by", t.createdBy())
                .put("created_at", t.createdAt().toString())
                .put("expires_at", t.expiresAt() == null ? null : t.expiresAt().toString())
                .put("last_used_at", t.lastUsedAt() == null ? null : t.lastUsedAt().toString());
        ArrayNode scopes = n.putArray("scopes");
        t.scopes().forEach(s -> scopes.add(s.toString()));
        return n;
    }
}
