package dev.pier.oci;

import static dev.pier.oci.Quote.quote;
import static dev.pier.oci.ReferenceParser.isLowerAlnum;
import static dev.pier.oci.ReferenceParser.syntax;

/**
 * The registry part of a reference: {@code domain[:port]} or {@code [ipv6][:port]}. Upper case is
 * refused rather than folded because Pier compares hosts with its allow-list exactly.
 */
final class RegistryHostGrammar {

    private RegistryHostGrammar() {}

    static void check(String registry) throws InvalidReferenceException {
        String host = registry;
        String port = null;
        if (registry.startsWith("[")) {
            int close = registry.indexOf(']');
            if (close < 0) {
                throw syntax("registry host " + quote(registry) + " has '[' without ']'");
            }
            checkIpv6(registry.substring(1, close));
            String rest = registry.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw syntax("unexpected " + quote(rest) + " after ']' in registry host");
            }
            port = rest.isEmpty() ? null : rest.substring(1);
        } else {
            int colon = registry.indexOf(':');
            if (colon >= 0) {
                host = registry.substring(0, colon);
                port = registry.substring(colon + 1);
            }
            checkDomain(host);
        }
        if (port != null) {
            checkPort(port);
        }
    }

    private static void checkDomain(String host) throws InvalidReferenceException {
        if (host.isEmpty()) {
            throw syntax("registry host is empty");
        }
        for (String part : host.split("\\.", -1)) {
            if (part.isEmpty()) {
                throw syntax("registry host " + quote(host) + " has an empty component");
            }
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                if (c >= 'A' && c <= 'Z') {
                    throw syntax("upper-case letters are not allowed in a registry host: " + quote(host));
                }
                if (!isLowerAlnum(c) && c != '-') {
                    throw syntax("invalid character " + quote(String.valueOf(c)) + " in registry host " + quote(host));
                }
            }
            if (part.startsWith("-") || part.endsWith("-")) {
                throw syntax("registry host component " + quote(part) + " must not start or end with '-'");
            }
        }
    }

    private static void checkIpv6(String address) throws InvalidReferenceException {
        if (address.isEmpty()) {
            throw syntax("IPv6 registry host is empty");
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c >= 'A' && c <= 'F') {
                throw syntax("upper-case letters are not allowed in a registry host: " + quote(address));
            }
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f') && c != ':') {
                throw syntax("invalid character " + quote(String.valueOf(c)) + " in IPv6 registry host");
            }
        }
    }

    private static void checkPort(String port) throws InvalidReferenceException {
        if (port.isEmpty()) {
            throw syntax("port must be digits, but nothing follows ':'");
        }
        for (int i = 0; i < port.length(); i++) {
            if (port.charAt(i) < '0' || port.charAt(i) > '9') {
                throw syntax("port must be digits: " + quote(port));
            }
        }
        if (port.length() > 5 || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw syntax("port must be between 1 and 65535: " + quote(port));
        }
    }
}
