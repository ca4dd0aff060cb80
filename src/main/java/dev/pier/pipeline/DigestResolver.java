package dev.pier.pipeline;

/**
 * Resolves an image or chart reference to the digest of its manifest. The registry client implements it.
 */
public interface DigestResolver {

    /**
     * @param reference a full reference without {@code oci://}, with a tag or a digest
     * @return {@code sha256:<64 hex>}
     * @throws ResolutionException when the registry cannot be asked or does not know the reference
     */
    String resolve(String reference) throws ResolutionException;

    final class ResolutionException extends Exception {
        public ResolutionException(String message) {
            super(message);
        }
    }
}
