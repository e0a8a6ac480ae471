/** An app that ends at once with exit code 3, before the agent's link to its primary may be made. */
public class Quits {
    public static void main(String[] args) {
        System.exit(3);
    }
}
