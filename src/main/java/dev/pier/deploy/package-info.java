/**
 * Deployers ({@code command}, {@code helm}) and what they share: running a process in its own group
 * ({@link dev.pier.deploy.ProcessGroupRunner}), strict templates, and the per-run release files.
 */
package dev.pier.deploy;
