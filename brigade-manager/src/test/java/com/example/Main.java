package com.example;

import dev.brigade.manager.cli.LateApp;

/** The README's {@code com.example.Main}: a server on $PORT (ReadmeManagerTest puts it in lib/). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        LateApp.main(new String[0]);
    }
}
