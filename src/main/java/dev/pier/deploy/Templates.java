package dev.pier.deploy;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import dev.pier.pipeline.DeployRequest;
import dev.pier.pipeline.Release;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Mustache rendering for deployer arguments and environment values. Strict: a variable that the
 * model lacks is an error naming it, never an empty string (an empty argument deploys the wrong
 * thing quietly). No HTML escaping: the output goes to argv, not to a browser.
 */
public final class Templates {

    /** A section ({@code {{#x}}…{{/x}}}) on a missing key stays legal: it is how a template tests for a value. */
    private static final Mustache.Compiler COMPILER = Mustache.compiler().escapeHTML(false);

    private Templates() {}

    /** A template that cannot be parsed or that names a variable the model lacks. */
    public static final class TemplateException extends RuntimeException {
        public TemplateException(String message) {
            super(message);
        }
    }

    public static String render(String template, Map<String, Object> model) {
        try {
            return COMPILER.compile(template).execute(model);
        } catch (MustacheException.Context e) {
            throw new TemplateException("template '" + template + "' uses {{" + e.key + "}}, which is not defined"
                    + " (defined: " + String.join(", ", names(model)) + ")");
        } catch (MustacheException e) {
            throw new TemplateException("template '" + template + "' is not valid Mustache: " + e.getMessage());
        }
    }

    public static List<String> renderAll(List<String> templates, Map<String, Object> model) {
        List<String> out = new ArrayList<>(templates.size());
        templates.forEach(t -> out.add(render(t, model)));
        return out;
    }

    /**
     * {@code app}, {@code env}, {@code run_id}, {@code chart.repository|version|digest|ref}, {@code bundle},
     * {@code images.<component>} (the reference to deploy), {@code work_dir}, {@code release_file},
     * {@code values_file}. Absent values are left out so that using them is an error.
     */
    public static Map<String, Object> model(DeployRequest request) {
        Map<String, Object> m = new LinkedHashMap<>();
        Release release = request.release();
        m.put("app", request.app());
        m.put("env", request.environment().name());
        m.put("run_id", request.runId());
        Map<String, Object> chart = new LinkedHashMap<>();
        if (release.chart() != null) {
            Release.ChartRef c = release.chart();
            putIfPresent(chart, "repository", c.repository());
            putIfPresent(chart, "version", c.version());
            putIfPresent(chart, "digest", c.digest());
            chart.put("ref", c.digest() != null ? c.repository() + "@" + c.digest()
                    : c.repository() + ":" + c.version());
        }
        m.put("chart", chart);
        if (release.bundle() != null) {
            m.put("bundle", release.bundle().deploy());
        }
        Map<String, Object> images = new LinkedHashMap<>();
        release.images().forEach((component, ref) -> images.put(component, ref.deploy()));
        m.put("images", images);
        m.put("work_dir", request.workDir().toString());
        m.put("release_file", ReleaseFiles.releaseFile(request).toString());
        m.put("values_file", ReleaseFiles.valuesFile(request).toString());
        return m;
    }

    private static void putIfPresent(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    private static TreeSet<String> names(Map<String, Object> model) {
        TreeSet<String> out = new TreeSet<>();
        model.forEach((k, v) -> {
            if (v instanceof Map<?, ?> inner && !inner.isEmpty()) {
                inner.keySet().forEach(ik -> out.add(k + "." + ik));
            } else if (!(v instanceof Map<?, ?>)) {
                out.add(k);
            }
        });
        return out;
    }
}
