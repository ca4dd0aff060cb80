package dev.pier.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.oci.OciException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Credentials the Docker way: {@code ~/.docker/config.json} ({@code $DOCKER_CONFIG/config.json}) with
 * {@code auths} (base64 {@code auth} or {@code username}/{@code password}), {@code credHelpers} per host and
 * {@code credsStore} for all, the latter two by running {@code docker-credential-<name> get} with the server
 * URL on stdin. Nothing read here is ever put in a message.
 */
public final class DockerConfigCredentials implements CredentialSource {
    private static final Pattern HELPER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final long HELPER_TIMEOUT_SECONDS = 15;
    static final int MAX_CONFIG_BYTES = 1024 * 1024;

    private final Path configFile;
    private final Path helperDirectory;

    /**
     * @param configFile      the config.json (missing means anonymous)
     * @param helperDirectory where {@code docker-credential-*} live, or null to search the PATH
     */
    public DockerConfigCredentials(Path configFile, Path helperDirectory) {
        this.configFile = configFile;
        this.helperDirectory = helperDirectory;
    }

    /** {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}; helpers from the PATH. */
    public static DockerConfigCredentials fromEnvironment() {
        String dir = System.getenv("DOCKER_CONFIG");
        Path base = dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".docker");
        return new DockerConfigCredentials(base.resolve("config.json"), null);
    }

    @Override
    public Optional<Credentials> lookup(String registryHost) throws IOException {
        if (!Files.isRegularFile(configFile)) {
            return Optional.empty();
        }
        if (Files.size(configFile) > MAX_CONFIG_BYTES) {
            throw new OciException(OciException.Kind.INVALID, "docker config " + configFile + " is larger than "
                    + MAX_CONFIG_BYTES + " bytes; not read");
        }
        JsonNode config;
        try {
            config = RegistryJson.tree(Files.readAllBytes(configFile));
        } catch (IOException e) {
            throw new OciException(OciException.Kind.INVALID, "docker config " + configFile + " is not valid JSON");
        }
        String helper = config.path("credHelpers").path(registryHost).asText(null);
        if (helper == null) {
            helper = config.path("credsStore").asText(null);
            Optional<Credentials> inline = fromAuths(config.path("auths"), registryHost);
            if (inline.isPresent() || helper == null || helper.isBlank()) {
                return inline;
            }
        }
        return fromHelper(helper, registryHost);
    }

    private Optional<Credentials> fromAuths(JsonNode auths, String host) throws IOException {
        for (String key : List.of(host, "https://" + host, "http://" + host, "https://" + host + "/v1/",
                "https://" + host + "/v2/")) {
            JsonNode entry = auths.path(key);
            if (entry.isMissingNode() || !entry.isObject()) {
                continue;
            }
            String auth = entry.path("auth").asText("");
            if (!auth.isBlank()) {
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new OciException(OciException.Kind.INVALID, "the 'auth' for " + host + " in "
                            + configFile + " is not base64");
                }
                int colon = decoded.indexOf(':');
                if (colon <= 0) {
                    throw new OciException(OciException.Kind.INVALID, "the 'auth' for " + host + " in "
                            + configFile + " is not base64 of user:password");
                }
                return Optional.of(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
            }
            String user = entry.path("username").asText("");
            String password = entry.path("password").asText("");
            if (!user.isBlank() && !password.isEmpty()) {
                return Optional.of(new Credentials(user, password));
            }
        }
        return Optional.empty();
    }

    private Optional<Credentials> fromHelper(String name, String host) throws IOException {
        if (!HELPER_NAME.matcher(name).matches()) {
            throw new OciException(OciException.Kind.INVALID, "credential helper name "
                    + dev.pier.oci.Quote.quote(name) + " in " + configFile + " is not a plain name");
        }
        String program = "docker-credential-" + name;
        String command = helperDirectory == null ? program : helperDirectory.resolve(program).toString();
        Process process;
        try {
            process = new ProcessBuilder(command, "get").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new OciException(OciException.Kind.UNAUTHORIZED, 0, null, "could not run credential helper "
                    + program + " for " + host + ": is it installed?", null);
        }
        try {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(host.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the helper may exit before reading; its exit status tells
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (InputStream in = process.getInputStream()) {
                    out.write(in.readNBytes(MAX_CONFIG_BYTES));
                } catch (IOException e) {
                    // an empty answer is handled below
                }
            });
            if (!process.waitFor(HELPER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new OciException(OciException.Kind.UNAUTHORIZED, "credential helper " + program
                        + " did not answer for " + host + " within " + HELPER_TIMEOUT_SECONDS + " s");
            }
            reader.join(TimeUnit.SECONDS.toMillis(HELPER_TIMEOUT_SECONDS));
            if (process.exitValue() != 0) {
                // "credentials not found in native keychain" and the like: anonymous
                return Optional.empty();
            }
            JsonNode json;
            try {
                json = RegistryJson.tree(out.toByteArray());
            } catch (IOException e) {
                throw new OciException(OciException.Kind.UNAUTHORIZED, "credential helper " + program
                        + " answered something that is not JSON for " + host);
            }
            String user = json.path("Username").asText("");
            String secret = json.path("Secret").asText("");
            if (secret.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Credentials(user, secret));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while running credential helper " + program);
        }
    }
}
