package dev.brigade.bench;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds the suites that are built: through {@link ServiceLoader} (a suite registers itself in
 * {@code META-INF/services/dev.brigade.bench.Suite}) and, as a fallback, by the class name each
 * planned suite will have. A planned suite whose class is absent is "not built yet".
 */
final class Suites {
    /** Planned suites, in the order {@code all} runs them, with their conventional class names. */
    static final Map<String, String> PLANNED = plannedSuites();

    private Suites() {
    }

    private static Map<String, String> plannedSuites() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("workers", "dev.brigade.bench.workers.WorkersSuite");
        m.put("pool", "dev.brigade.bench.pool.PoolSuite");
        m.put("cluster", "dev.brigade.bench.cluster.ClusterSuite");
        m.put("ports", "dev.brigade.bench.ports.PortsSuite");
        m.put("manager", "dev.brigade.bench.manager.ManagerSuite");
        m.put("store", "dev.brigade.bench.store.StoreSuite");
        m.put("dashboard", "dev.brigade.bench.manager.DashboardSuite");
        return Collections.unmodifiableMap(m);
    }

    /**
     * The suites built into this class path, by name: planned ones in their order, then any other
     * suite the ServiceLoader found. A suite that fails to load is reported on {@code warnings}.
     */
    static Map<String, Suite> discover(ClassLoader loader, List<String> warnings) {
        Map<String, Suite> found = new LinkedHashMap<>();
        Iterator<Suite> it = ServiceLoader.load(Suite.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                Suite s = it.next();
                found.putIfAbsent(s.name(), s);
            } catch (ServiceConfigurationError e) {
                warnings.add("a registered suite could not be loaded: " + e.getMessage());
            }
        }
        Map<String, Suite> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, String> planned : PLANNED.entrySet()) {
            Suite s = found.remove(planned.getKey());
            if (s == null) {
                s = byClassName(planned.getValue(), loader, warnings);
            }
            if (s != null) {
                ordered.put(planned.getKey(), s);
            }
        }
        ordered.putAll(found);
        return ordered;
    }

    /** Every valid suite name: planned ones, extra discovered ones, then {@code all}. */
    static List<String> validNames(Map<String, Suite> built) {
        List<String> names = new ArrayList<>(PLANNED.keySet());
        built.keySet().stream().filter(n -> !names.contains(n)).forEach(names::add);
        names.add("all");
        return names;
    }

    private static Suite byClassName(String className, ClassLoader loader, List<String> warnings) {
        Class<?> c;
        try {
            c = Class.forName(className, true, loader);
        } catch (ClassNotFoundException e) {
            return null;
        }
        try {
            return (Suite) c.getDeclaredConstructor().newInstance();
        } catch (ClassCastException | ReflectiveOperationException e) {
            Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            warnings.add(className + " is present but cannot be instantiated as a Suite"
                    + " (it needs a public no-argument constructor): " + cause);
            return null;
        }
    }
}
