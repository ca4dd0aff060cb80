package dev.pier.oci.artifact;

/**
 * What an extraction may produce before it is refused.
 *
 * @param maxTotalBytes       uncompressed bytes of the tar stream (file contents plus tar headers)
 * @param maxEntries          tar entries (files and directories)
 * @param maxCompressionRatio uncompressed / compressed bytes, checked once more than
 *                            {@link #RATIO_GRACE_BYTES} have been uncompressed (a small, very compressible
 *                            file is not a bomb)
 */
public record ExtractionLimits(long maxTotalBytes, int maxEntries, int maxCompressionRatio) {

    /** The ratio is only judged past this many uncompressed bytes. */
    public static final long RATIO_GRACE_BYTES = 8L * 1024 * 1024;

    /** Accepts a 200 MB, 20,000-file tree; refuses 100,000 files, more than 1 GiB or a ratio above 100. */
    public static final ExtractionLimits DEFAULTS = new ExtractionLimits(1024L * 1024 * 1024, 50_000, 100);

    public ExtractionLimits {
        if (maxTotalBytes <= 0 || maxEntries <= 0 || maxCompressionRatio <= 0) {
            throw new IllegalArgumentException("extraction limits must be positive, got " + maxTotalBytes + " bytes, "
                    + maxEntries + " entries, ratio " + maxCompressionRatio);
        }
    }

    public ExtractionLimits withMaxTotalBytes(long bytes) {
        return new ExtractionLimits(bytes, maxEntries, maxCompressionRatio);
    }

    public ExtractionLimits withMaxEntries(int entries) {
        return new ExtractionLimits(maxTotalBytes, entries, maxCompressionRatio);
    }

    public ExtractionLimits withMaxCompressionRatio(int ratio) {
        return new ExtractionLimits(maxTotalBytes, maxEntries, ratio);
    }
}
