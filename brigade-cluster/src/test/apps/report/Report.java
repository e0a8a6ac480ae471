import java.lang.reflect.Method;
import java.util.TreeMap;

/**
 * Prints what a JVM gives the app it runs (the class path, every system property, each effect of
 * the jar's manifest), one "key=value" line each, then returns: run once as `java -jar report.jar`
 * and once as a Brigade worker, the two reports are compared.
 */
public class Report {
    public static void main(String[] args) throws Exception {
        StringBuilder out = new StringBuilder();
        Module app = Report.class.getModule();
        Module base = Object.class.getModule();
        out.append("effect.classpath=").append(System.getProperty("java.class.path")).append('\n');
        out.append("effect.add-opens=").append(base.isOpen("java.lang", app)).append('\n');
        out.append("effect.add-exports=").append(base.isExported("jdk.internal.misc", app)).append('\n');
        out.append("effect.launcher-agent=").append(LauncherAgent.ran).append('\n');
        Object nativeAccess;
        try {
            Method m = Module.class.getMethod("isNativeAccessEnabled");
            nativeAccess = m.invoke(app);
        } catch (NoSuchMethodException e) {
            nativeAccess = "n/a on JDK " + Runtime.version().feature();
        }
        out.append("effect.enable-native-access=").append(nativeAccess).append('\n');
        out.append("effect.brigade-cluster-visible=").append(visible("dev.brigade.cluster.Cluster")).append('\n');
        out.append("effect.jackson-visible=").append(visible("com.fasterxml.jackson.databind.ObjectMapper")).append('\n');
        new TreeMap<>(System.getProperties()).forEach((k, v) -> out.append("property.").append(k).append('=')
                .append(String.valueOf(v).replace("\n", "\\n")).append('\n'));
        System.out.print(out);
        System.out.flush();
    }

    private static boolean visible(String name) {
        try {
            Class.forName(name, false, ClassLoader.getSystemClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
