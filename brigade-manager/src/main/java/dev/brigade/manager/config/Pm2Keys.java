package dev.brigade.manager.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PM2's ecosystem-file names for brigade.yaml's options, so that an ecosystem file (in YAML, or
 * {@code ecosystem.config.json}) whose apps are jars or commands starts as it is. PM2's values keep
 * PM2's meaning: a bare number under a PM2 duration key ({@code kill_timeout: 1600}) is
 * milliseconds, as PM2 documents, and under {@code max_memory_restart} bytes; Brigade's own keys
 * ({@code killTimeout}) always need a unit. What Brigade does not do is refused with its name,
 * never silently ignored.
 */
final class Pm2Keys {
    /** PM2's name → Brigade's. */
    static final Map<String, String> ALIASES = Map.of("max_memory_restart", "maxMemory", "kill_timeout", "killTimeout",
            "listen_timeout", "listenTimeout", "min_uptime", "minUptime", "max_restarts", "maxRestarts",
            "restart_delay", "restartDelay", "exec_mode", "exec_mode", "autorestart", "autorestart", "watch", "watch",
            "cron_restart", "cron_restart");
    private static final Set<String> DURATIONS = Set.of("kill_timeout", "listen_timeout", "min_uptime", "restart_delay");

    private Pm2Keys() {
    }

    /** The app's options with PM2's names turned into Brigade's; {@code at} names the entry in errors. */
    static Map<Object, Object> normalize(Map<?, ?> app, String at) throws ConfigException {
        Map<Object, Object> out = new LinkedHashMap<>();
        String execMode = null;
        for (Map.Entry<?, ?> e : app.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object v = e.getValue();
            switch (key) {
                case "exec_mode" -> execMode = String.valueOf(v).replaceFirst("_mode$", "");
                case "autorestart" -> {
                    if (!Boolean.TRUE.equals(v) && !"true".equals(String.valueOf(v))) {
                        throw new ConfigException(at + ".autorestart", "only true is supported (Brigade always restarts a crashed instance), got \"" + v + "\"");
                    }
                }
                case "watch" -> {
                    if (!Boolean.FALSE.equals(v) && !"false".equals(String.valueOf(v))) {
                        throw new ConfigException(at + ".watch", "not supported yet: restart with 'brigade restart' or 'brigade reload' after a change");
                    }
                }
                case "cron_restart" -> throw new ConfigException(at + ".cron_restart", "not supported yet: run 'brigade reload APP' from cron");
                case "args", "jvmArgs" -> out.put(key, v instanceof String s ? Words.split(s, at + "." + key) : v);
                default -> {
                    String brigade = ALIASES.getOrDefault(key, key);
                    if (!brigade.equals(key) && app.containsKey(brigade)) {
                        throw new ConfigException(at + "." + key, "also given as " + brigade + ": keep one");
                    }
                    boolean number = v instanceof Number || (v != null && String.valueOf(v).matches("\\d+"));
                    if (number && DURATIONS.contains(key)) {
                        v = v + "ms";
                    } else if (number && key.equals("max_memory_restart")) {
                        v = ((Long.parseLong(String.valueOf(v)) + 1023) / 1024) + "K";
                    }
                    out.put(brigade, v);
                }
            }
        }
        if (execMode != null) {
            boolean java = out.get("classpath") != null || String.valueOf(out.get("script")).endsWith(".jar");
            boolean cluster = java && out.get("port") != null;
            if (!List.of("cluster", "fork").contains(execMode)) {
                throw new ConfigException(at + ".exec_mode", "expected cluster or fork, got \"" + execMode + "\"");
            }
            if (execMode.equals("cluster") != cluster) {
                throw new ConfigException(at + ".exec_mode", execMode.equals("cluster")
                        ? "cluster mode is a jar or main class with a port: add port: (its workers then share it)"
                        : "a jar or main class with a port runs in cluster mode; remove exec_mode or port");
            }
        }
        return out;
    }
}
