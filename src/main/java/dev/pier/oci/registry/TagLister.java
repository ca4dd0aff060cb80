package dev.pier.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code GET /v2/<name>/tags/list}, following {@code Link: <...>; rel="next"} pages. */
final class TagLister {
    static final int MAX_PAGE_BYTES = 4 * 1024 * 1024;
    static final int MAX_PAGES = 10_000;

    private final Transport transport;
    private final int pageSize;

    /** @param pageSize {@code n=} per page, or 0 to let the registry choose (and maybe not paginate) */
    TagLister(Transport transport, int pageSize) {
        this.transport = transport;
        this.pageSize = pageSize;
    }

    private record Page(List<String> tags, Optional<URI> next) {}

    /** All tags; empty when the repository does not exist. */
    List<String> list(String repository) throws IOException {
        Names.repository(repository);
        Action action = Action.of("list", "tags of " + repository, "on", transport.endpoint.host());
        URI uri = transport.endpoint.resolve("/v2/" + repository + "/tags/list" + (pageSize > 0 ? "?n=" + pageSize : ""));
        List<String> all = new ArrayList<>();
        Set<URI> seen = new HashSet<>();
        while (uri != null) {
            if (!seen.add(uri) || seen.size() > MAX_PAGES) {
                throw RegistryErrors.protocol(action, "the registry's tag pages loop or exceed " + MAX_PAGES + " pages");
            }
            URI current = uri;
            Page page = transport.exchange(action, Transport.Request.get(uri, Names.pull(repository)), Set.of(200, 404),
                    (status, headers, at, body) -> {
                        byte[] bytes = Transport.readCapped(action, headers, body, MAX_PAGE_BYTES);
                        if (status == 404) {
                            RegistryErrors.OciError error = RegistryErrors.parse(bytes);
                            if (error != null && "NAME_UNKNOWN".equals(error.code())) {
                                return new Page(List.of(), Optional.empty());
                            }
                            throw RegistryErrors.fromResponse(action, status, bytes, null);
                        }
                        JsonNode json;
                        try {
                            json = RegistryJson.tree(bytes);
                        } catch (IOException e) {
                            throw RegistryErrors.protocol(action, status, "the tag list is not JSON");
                        }
                        List<String> tags = new ArrayList<>();
                        for (JsonNode tag : json.path("tags")) {
                            tags.add(tag.asText());
                        }
                        return new Page(tags, LinkHeader.next(action, headers, current, transport.endpoint));
                    });
            all.addAll(page.tags());
            uri = page.next().orElse(null);
        }
        return all;
    }
}
