package dev.pier.oci.artifact;

/** The media types of the artifacts Pier pushes and pulls (Flux and Helm, as their tools write them). */
public final class MediaTypes {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String FLUX_CONFIG = "application/vnd.cncf.flux.config.v1+json";
    public static final String FLUX_CONTENT = "application/vnd.cncf.flux.content.v1.tar+gzip";
    public static final String HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json";
    public static final String HELM_CHART = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

    public static final String SOURCE = "org.opencontainers.image.source";
    public static final String REVISION = "org.opencontainers.image.revision";
    public static final String CREATED = "org.opencontainers.image.created";
    public static final String TITLE = "org.opencontainers.image.title";
    public static final String VERSION = "org.opencontainers.image.version";
    public static final String DESCRIPTION = "org.opencontainers.image.description";

    private MediaTypes() {}
}
