package dev.pier.config;

import java.time.Duration;
import java.util.List;

/**
 * Where a {@code compose-ssh} deployer connects, and how it knows the server.
 *
 * @param host            server name or address, as the known_hosts entries name it
 * @param port            SSH port
 * @param user            login user on the server
 * @param key             name of the deploy key in {@code $PIER_HOME/keys/} ({@code pier keys generate NAME})
 * @param knownHosts      known_hosts lines that pin the server's host key
 * @param trustOnFirstUse accept and record (in {@code $PIER_HOME/known_hosts}) a key no entry names; off unless set
 * @param connectTimeout  bound on connecting and authenticating
 */
public record SshTarget(String host, int port, String user, String key, List<String> knownHosts,
                        boolean trustOnFirstUse, Duration connectTimeout) {
    public SshTarget {
        knownHosts = List.copyOf(knownHosts);
    }
}
