package dev.pier.deploy;

import dev.pier.pipeline.Deployer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The deployers this node knows, keyed by {@code deployer.type}. Explicit: no classpath scanning. */
public final class Deployers {

    private final Map<String, Deployer> byType;

    public Deployers(Map<String, Deployer> byType) {
        byType.forEach((type, d) -> {
            if (!type.equals(d.type())) {
                throw new IllegalArgumentException("deployer registered as '" + type + "' reports type '"
                        + d.type() + "'");
            }
        });
        this.byType = Collections.unmodifiableMap(new LinkedHashMap<>(byType));
    }

    /** {@code command} and {@code helm}, sharing one runner; helm cannot install digest-pinned charts. */
    public static Deployers standard(ProcessGroupRunner runner) {
        Map<String, Deployer> m = new LinkedHashMap<>();
        m.put("command", new CommandDeployer(runner));
        m.put("helm", new HelmDeployer(runner));
        return new Deployers(m);
    }

    /** {@code command} and {@code helm}; helm fetches digest-pinned charts from {@code charts}. */
    public static Deployers standard(ProcessGroupRunner runner, ChartSource charts) {
        Map<String, Deployer> m = new LinkedHashMap<>();
        m.put("command", new CommandDeployer(runner));
        m.put("helm", new HelmDeployer(runner, charts));
        return new Deployers(m);
    }

    /** These deployers and {@code more}. */
    public Deployers with(Deployer more) {
        Map<String, Deployer> m = new LinkedHashMap<>(byType);
        m.put(more.type(), more);
        return new Deployers(m);
    }

    /** @throws IllegalArgumentException for a type no deployer has, listing the known ones */
    public Deployer get(String type) {
        Deployer d = byType.get(type);
        if (d == null) {
            throw new IllegalArgumentException("unknown deployer type '" + type + "' (known: "
                    + String.join(", ", byType.keySet()) + ")");
        }
        return d;
    }

    public Set<String> types() {
        return byType.keySet();
    }
}
