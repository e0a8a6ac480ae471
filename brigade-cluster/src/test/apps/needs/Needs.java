/** A main class whose Missing the boot-error test leaves out of the jar: the JVM cannot launch it. */
public class Needs {
    public static void main(String[] args) {
        System.out.println(helper());
    }

    public static Missing helper() {
        return new Missing();
    }
}
