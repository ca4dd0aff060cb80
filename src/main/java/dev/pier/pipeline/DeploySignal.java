package dev.pier.pipeline;

/**
 * A deploy signal exactly as received, before validation. Recorded on the run verbatim.
 *
 * @param app          {@code --app}
 * @param environment  {@code --env}; null when omitted
 * @param chart        {@code --chart}; null when omitted
 * @param chartVersion {@code --chart-version}; null when omitted
 * @param bundle       {@code --bundle}; null when omitted
 * @param images       {@code --images}, the raw JSON text
 * @param origin       where it came from: {@code cli}, {@code api}, {@code watcher}, …
 * @param actor        who sent it (OS user, token owner, …)
 */
public record DeploySignal(
        String app,
        String environment,
        String chart,
        String chartVersion,
        String bundle,
        String images,
        String origin,
        String actor) {}
