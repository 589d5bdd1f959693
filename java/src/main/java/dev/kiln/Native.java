package dev.kiln;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Loads Kiln's native library, once, at first use.
 *
 * <p>The library ships inside the jar under {@code META-INF/native/linux-x86_64/}; it is copied to a
 * temporary file and loaded from there. Set the system property {@code kiln.library.path} to the
 * path of a {@code libkiln_java.so} to load that one instead.
 */
public final class Native {
    private static final String RESOURCE = "/META-INF/native/linux-x86_64/libkiln_java.so";

    /** Frees native objects that were never closed: a backstop, not the way to free them. */
    static final Cleaner CLEANER = Cleaner.create();

    static {
        load();
    }

    private Native() {}

    /** Set once loading has begun; the loading thread re-enters {@link #load} from JNI_OnLoad. */
    private static boolean loading;

    /**
     * Makes sure the library is loaded; every class with native methods calls it first. The
     * library's {@code JNI_OnLoad} initialises some of those classes, on the loading thread, which
     * finds loading begun and goes on.
     */
    static synchronized void load() {
        if (loading) {
            return;
        }
        loading = true;
        loadLibrary();
    }

    /**
     * Does nothing, natively: what the benchmark measures as the cost of a JNI call itself.
     */
    public static native void emptyCall();

    private static void loadLibrary() {
        String path = System.getProperty("kiln.library.path");
        if (path != null) {
            System.load(Path.of(path).toAbsolutePath().toString());
            return;
        }
        String os = System.getProperty("os.name", "").toLowerCase();
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new UnsatisfiedLinkError(
                    "Kiln's jar carries a native library for linux-x86_64 only, not "
                            + os + "-" + arch + "; set kiln.library.path to one built for it");
        }
        try (InputStream in = Native.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new UnsatisfiedLinkError(
                        "Kiln's native library is missing from the jar (" + RESOURCE + ")");
            }
            Path file = Files.createTempFile("libkiln_java", ".so");
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                System.load(file.toAbsolutePath().toString());
            } finally {
                // Once loaded, the library stays mapped; the file is no longer needed.
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            UnsatisfiedLinkError error =
                    new UnsatisfiedLinkError("cannot extract Kiln's native library: " + e);
            error.initCause(e);
            throw error;
        }
    }
}
