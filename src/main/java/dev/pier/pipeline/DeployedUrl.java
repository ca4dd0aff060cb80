package dev.pier.pipeline;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Renders an environment's {@code deployed_url} template for a run. */
public final class DeployedUrl {

    private DeployedUrl() {}

    public static String render(String template, Run run, LogSink log) {
        if (template == null) {
            return null;
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("app", run.app());
        model.put("env", run.environment());
        model.put("run_id", run.id());
        Map<String, String> images = new LinkedHashMap<>();
        run.release().images().forEach((c, ref) -> images.put(c, ref.deploy()));
        model.put("images", images);
        if (run.release().chart() != null) {
            model.put("chart", Map.of("repository", run.release().chart().repository(),
                    "version", run.release().chart().version()));
        }
        try {
            return Mustache.compiler().escapeHTML(false).compile(template).execute(model);
        } catch (MustacheException e) {
            log.pier("warning: deployed_url template could not be rendered: " + e.getMessage());
            return null;
        }
    }
}
