package dev.pier.oci;

import static dev.pier.oci.InvalidReferenceException.Problem.MISSING_REGISTRY;
import static dev.pier.oci.InvalidReferenceException.Problem.SCHEME;
import static dev.pier.oci.InvalidReferenceException.Problem.SYNTAX;
import static dev.pier.oci.InvalidReferenceException.Problem.TOO_LONG;
import static dev.pier.oci.Quote.quote;

/**
 * The distribution/reference grammar, applied one part at a time so that each refusal names the
 * part at fault. Only the canonical spelling is accepted: nothing is defaulted or case-folded.
 */
final class ReferenceParser {
    static final int MAX_NAME = 255;
    static final int MAX_TAG = 128;
    /** Name, tag and digest at their longest, with separators; anything longer is refused unread. */
    static final int MAX_INPUT = MAX_NAME + 1 + MAX_TAG + 1 + 7 + Digest.SHA256_HEX_LENGTH;

    private ReferenceParser() {}

    static Reference parse(String text) throws InvalidReferenceException {
        if (text == null || text.isEmpty()) {
            throw new InvalidReferenceException(SYNTAX, "reference is empty");
        }
        if (text.length() > MAX_INPUT) {
            throw new InvalidReferenceException(TOO_LONG,
                    "reference is " + text.length() + " characters long; at most " + MAX_INPUT + " are allowed");
        }
        checkCharacters(text);
        if (text.contains("://")) {
            throw new InvalidReferenceException(SCHEME,
                    "a scheme such as 'oci://' is not allowed here; write host/repository[:tag][@digest]");
        }
        int at = text.indexOf('@');
        if (at >= 0 && text.indexOf('@', at + 1) >= 0) {
            throw new InvalidReferenceException(SYNTAX, "reference has more than one '@'");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw missingRegistry(text);
        }
        if (at >= 0 && at < slash) {
            throw new InvalidReferenceException(SYNTAX, "userinfo '@' is not allowed in a registry host");
        }
        String nameAndTag = at < 0 ? text : text.substring(0, at);
        int tagColon = nameAndTag.indexOf(':', nameAndTag.lastIndexOf('/') + 1);
        String name = tagColon < 0 ? nameAndTag : nameAndTag.substring(0, tagColon);
        String tag = tagColon < 0 ? null : nameAndTag.substring(tagColon + 1);

        String registry = name.substring(0, slash);
        String repository = name.substring(slash + 1);
        checkParts(registry, repository, tag);
        Digest digest = at < 0 ? null : Digest.parse(text.substring(at + 1));
        return new Reference(registry, repository, tag, digest);
    }

    /** The grammar of each part; also guards the record's constructor. */
    static void checkParts(String registry, String repository, String tag) throws InvalidReferenceException {
        if (!looksLikeHost(registry)) {
            throw missingRegistry(registry);
        }
        RegistryHostGrammar.check(registry);
        checkRepository(repository);
        int nameLength = registry.length() + 1 + repository.length();
        if (nameLength > MAX_NAME) {
            throw new InvalidReferenceException(TOO_LONG,
                    "name (registry/repository) is " + nameLength + " characters long; at most " + MAX_NAME + " are allowed");
        }
        if (tag != null) {
            checkTag(tag);
        }
    }

    /** Refuses before any grammar runs, so the message can say where the odd character is. */
    private static void checkCharacters(String text) throws InvalidReferenceException {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            String where = " at position " + (i + 1);
            if (c < 0x20 || c == 0x7f) {
                throw new InvalidReferenceException(SYNTAX,
                        String.format("control character U+%04X%s is not allowed", c, where));
            }
            if (c == ' ' || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                throw new InvalidReferenceException(SYNTAX, "whitespace" + where + " is not allowed");
            }
            if (c > 0x7e) {
                throw new InvalidReferenceException(SYNTAX, String.format(
                        "non-ASCII character U+%04X%s is not allowed (look-alike letters are refused)", c, where));
            }
            i += Character.charCount(c);
        }
    }

    /** distribution/reference: the first component is a host when it has '.' or ':' or is localhost. */
    private static boolean looksLikeHost(String first) {
        return first.indexOf('.') >= 0 || first.indexOf(':') >= 0 || first.equals("localhost");
    }

    private static InvalidReferenceException missingRegistry(String first) {
        return new InvalidReferenceException(MISSING_REGISTRY, "must be a full reference including the registry host"
                + " (e.g. ghcr.io/org/name:tag); " + quote(first) + " is not a registry host");
    }

    private static void checkRepository(String repository) throws InvalidReferenceException {
        if (repository.isEmpty()) {
            throw syntax("repository path is empty");
        }
        for (String part : repository.split("/", -1)) {
            checkPathComponent(part);
        }
    }

    /** path-component := [a-z0-9]+ ( ( [._] | __ | [-]+ ) [a-z0-9]+ )* */
    private static void checkPathComponent(String part) throws InvalidReferenceException {
        if (part.isEmpty()) {
            throw syntax("repository path has an empty component (a doubled or trailing '/')");
        }
        if (part.equals(".") || part.equals("..")) {
            throw syntax(quote(part) + " is not a valid path component");
        }
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                throw syntax("upper-case letters are not allowed in a repository path: " + quote(part));
            }
            if (!isLowerAlnum(c) && c != '.' && c != '_' && c != '-') {
                throw syntax("invalid character " + quote(String.valueOf(c)) + " in path component " + quote(part));
            }
        }
        if (!isLowerAlnum(part.charAt(0)) || !isLowerAlnum(part.charAt(part.length() - 1))) {
            throw syntax("path component " + quote(part) + " must start and end with a lower-case letter or digit");
        }
        int i = 0;
        while (i < part.length()) {
            int start = i;
            while (i < part.length() && !isLowerAlnum(part.charAt(i))) {
                i++;
            }
            String separator = part.substring(start, i);
            if (!separator.isEmpty() && !separator.equals(".") && !separator.equals("_")
                    && !separator.equals("__") && !separator.chars().allMatch(ch -> ch == '-')) {
                throw syntax("path component " + quote(part) + " has an invalid separator " + quote(separator));
            }
            while (i < part.length() && isLowerAlnum(part.charAt(i))) {
                i++;
            }
        }
    }

    /** tag := [\w][\w.-]{0,127} */
    private static void checkTag(String tag) throws InvalidReferenceException {
        if (tag.isEmpty()) {
            throw syntax("tag is empty (nothing follows ':')");
        }
        if (tag.length() > MAX_TAG) {
            throw new InvalidReferenceException(TOO_LONG,
                    "tag is " + tag.length() + " characters long; at most " + MAX_TAG + " are allowed");
        }
        if (!isWord(tag.charAt(0))) {
            throw syntax("tag " + quote(tag) + " must start with a letter, a digit or '_'");
        }
        for (int i = 1; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (!isWord(c) && c != '.' && c != '-') {
                throw syntax("invalid character " + quote(String.valueOf(c)) + " in tag " + quote(tag));
            }
        }
    }

    static boolean isLowerAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean isWord(char c) {
        return isLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '_';
    }

    static InvalidReferenceException syntax(String message) {
        return new InvalidReferenceException(SYNTAX, message);
    }
}
