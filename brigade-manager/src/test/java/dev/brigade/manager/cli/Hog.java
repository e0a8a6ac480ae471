package dev.brigade.manager.cli;

/** A cluster-mode test app that, once running, holds {@code HOG_MB} of touched heap and waits. */
public final class Hog {
    private Hog() {
    }

    public static void main(String[] args) throws InterruptedException {
        int mb = Integer.parseInt(System.getenv("HOG_MB"));
        byte[][] held = new byte[mb][];
        for (int i = 0; i < mb; i++) {
            held[i] = new byte[1 << 20];
            java.util.Arrays.fill(held[i], (byte) 1); // resident, not just reserved
        }
        System.out.println("hog holds " + mb + " MB " + held.length);
        System.out.flush();
        new java.util.concurrent.CountDownLatch(1).await();
    }
}
