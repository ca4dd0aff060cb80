/**
 * The {@code oci.registry} content store: {@link dev.pier.oci.registry.RegistryClient} speaks the OCI
 * distribution API to one registry over {@code java.net.http}. One small class per operation
 * (ping, manifest get/head/put/delete, blob check/fetch/upload/mount, tags, referrers), one transport
 * (authentication, retries, rate limit, timeouts) and one error mapping ({@link dev.pier.oci.registry.RegistryErrors}).
 * This package is an adapter: it does HTTP and runs credential helpers, unlike the pure core of {@code dev.pier.oci}.
 */
package dev.pier.oci.registry;
