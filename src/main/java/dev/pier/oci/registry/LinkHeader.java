package dev.pier.oci.registry;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code Link: <url>; rel="next"} of a paginated answer, resolved and kept on the registry's origin. */
final class LinkHeader {
    private static final Pattern LINK = Pattern.compile("<([^>]*)>\\s*((?:;\\s*[^;,]+)*)");
    private static final Pattern REL_NEXT = Pattern.compile(";\\s*rel\\s*=\\s*\"?([^\";,]*)\"?", Pattern.CASE_INSENSITIVE);

    private LinkHeader() {}

    static Optional<URI> next(Action action, HttpHeaders headers, URI current, RegistryEndpoint endpoint)
            throws dev.pier.oci.OciException {
        for (String value : headers.allValues("Link")) {
            Matcher m = LINK.matcher(value);
            while (m.find()) {
                Matcher rel = REL_NEXT.matcher(m.group(2));
                while (rel.find()) {
                    if (rel.group(1).trim().equalsIgnoreCase("next")) {
                        URI next;
                        try {
                            next = current.resolve(m.group(1).trim());
                        } catch (IllegalArgumentException e) {
                            throw RegistryErrors.protocol(action, "the registry's next-page Link is not a URI");
                        }
                        if (!endpoint.sameOrigin(next)) {
                            throw RegistryErrors.protocol(action, "the registry's next-page Link points to "
                                    + Transport.describe(next) + ", another origin");
                        }
                        return Optional.of(next);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
