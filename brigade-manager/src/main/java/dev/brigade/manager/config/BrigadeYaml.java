package dev.brigade.manager.config;

import dev.brigade.manager.daemon.AppSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads a brigade.yaml: a list of apps with the options of {@code brigade start}, and
 * per-environment variables ({@code env_production:} applies with {@code --environment production}).
 *
 * <pre>
 * apps:
 *   - name: api
 *     script: build/api.jar        # a jar, a main class (with classpath:) or a command
 *     instances: max
 *     port: 8080
 *     env: {LOG_LEVEL: info}
 *     env_production: {LOG_LEVEL: warn}
 *     jvmArgs: [-Xmx256m]
 *     maxMemory: 512M
 *     killTimeout: 5s
 *     java: 17                     # the workers' JDK: a version of an installed JDK, or a JDK's path
 * </pre>
 *
 * Relative paths (script, classpath, cwd) are relative to the file's directory. Every error
 * names the entry, as in {@code apps[1].instances: expected an integer in 1..1024, "max", 0 (max) or -1 (one less than the cores), got "lots"}.
 */
public final class BrigadeYaml {
    static final Set<String> KEYS = Set.of("name", "script", "args", "classpath", "cwd", "instances", "port", "host", "env",
            "jvmArgs", "maxMemory", "killTimeout", "listenTimeout", "maxRestarts", "restartDelay", "minUptime", "java", "standby");

    private BrigadeYaml() {
    }

    /** True if {@code target} names a brigade.yaml ({@code *.yaml}, {@code *.yml}) or a PM2 ecosystem file in JSON ({@code *.json}). */
    public static boolean isConfigFile(String target) {
        return target.endsWith(".yaml") || target.endsWith(".yml") || target.endsWith(".json");
    }

    /** The apps of {@code file}, resolved with this process's PATH and java; {@code environment} may be null. */
    public static List<AppSpec> load(Path file, String environment) throws ConfigException {
        return load(file, environment, Host.current());
    }

    /** The apps of {@code file}, commands and java found as {@code host} would; {@code environment} may be null. */
    public static List<AppSpec> load(Path file, String environment, Host host) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw ConfigException.missing(file.toString(), "cannot read: " + e.getMessage());
        }
        Object root;
        try {
            root = new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromString(text);
        } catch (YamlEngineException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> top) || !(top.get("apps") instanceof List<?> apps) || apps.isEmpty()) {
            throw new ConfigException("apps", "expected a non-empty list of apps at the top of " + file);
        }
        for (Object k : top.keySet()) {
            if (!"apps".equals(k) && !"deploy".equals(k)) { // PM2's deploy section is not Brigade's business: ignored
                throw new ConfigException(String.valueOf(k), "unknown top-level key (valid: apps; deploy is ignored)");
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        List<AppSpec> specs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        if (environment != null && apps.stream().noneMatch(a -> a instanceof Map<?, ?> m && m.containsKey("env_" + environment))) {
            throw new ConfigException("--environment " + environment, "no app of " + file + " has an env_" + environment + " block");
        }
        for (int i = 0; i < apps.size(); i++) {
            String at = "apps[" + i + "]";
            if (!(apps.get(i) instanceof Map<?, ?> app)) {
                throw new ConfigException(at, "expected a map of options, got " + describe(apps.get(i)));
            }
            AppSpec spec = app(Pm2Keys.normalize(app, at), at, dir, environment, host);
            if (!names.add(spec.name())) {
                throw new ConfigException(at + ".name", "\"" + spec.name() + "\" is used by an earlier app (names must be unique)");
            }
            specs.add(spec);
        }
        return specs;
    }

    private static AppSpec app(Map<?, ?> m, String at, Path dir, String environment, Host host) throws ConfigException {
        for (Object k : m.keySet()) {
            String key = String.valueOf(k);
            if (!KEYS.contains(key) && !key.startsWith("env_")) {
                throw new ConfigException(at + "." + key, "unknown option (valid: " + String.join(", ", KEYS.stream().sorted().toList())
                        + ", env_ENVIRONMENT, and PM2's names: " + String.join(", ", Pm2Keys.ALIASES.keySet().stream().sorted().toList()) + ")");
            }
        }
        Map<String, String> env = new LinkedHashMap<>(strings(m.get("env"), at + ".env"));
        if (environment != null) {
            env.putAll(strings(m.get("env_" + environment), at + ".env_" + environment));
        }
        Path cwd = m.get("cwd") == null ? dir : dir.resolve(scalar(m.get("cwd"), at + ".cwd"));
        if (!Files.isDirectory(cwd)) {
            throw ConfigException.missing(at + ".cwd", cwd + " is not a directory");
        }
        AppOptions o = new AppOptions(
                m.get("name") == null ? null : scalar(m.get("name"), at + ".name"),
                m.get("script") == null ? null : scalar(m.get("script"), at + ".script"),
                list(m.get("args"), at + ".args"),
                m.get("classpath") == null ? null : scalar(m.get("classpath"), at + ".classpath"),
                m.get("instances"), m.get("port"), m.get("host") == null ? null : scalar(m.get("host"), at + ".host"), env,
                list(m.get("jvmArgs"), at + ".jvmArgs"), m.get("maxMemory"), m.get("killTimeout"), m.get("listenTimeout"),
                m.get("maxRestarts"), m.get("restartDelay"), m.get("minUptime"), m.get("java") == null ? null : scalar(m.get("java"), at + ".java"),
                m.get("standby"));
        return AppResolver.resolve(o, cwd, key -> at + "." + key, host);
    }

    private static String scalar(Object v, String at) throws ConfigException {
        if (v instanceof Map || v instanceof List) {
            throw new ConfigException(at, "expected a single value, got " + describe(v));
        }
        return String.valueOf(v);
    }

    private static List<String> list(Object v, String at) throws ConfigException {
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            throw new ConfigException(at, "expected a list, got " + describe(v));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            out.add(scalar(l.get(i), at + "[" + i + "]"));
        }
        return out;
    }

    private static Map<String, String> strings(Object v, String at) throws ConfigException {
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new ConfigException(at, "expected a map of NAME: value, got " + describe(v));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            out.put(String.valueOf(e.getKey()), scalar(e.getValue(), at + "." + e.getKey()));
        }
        return out;
    }

    private static String describe(Object v) {
        return v instanceof Map ? "a map" : v instanceof List ? "a list" : v == null ? "nothing" : "\"" + v + "\"";
    }
}
