package dev.kiln;

/** A WASI program asked to exit ({@code proc_exit}); {@link #exitCode} is its status. */
public class ExitException extends KilnException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    /** An exit with status {@code exitCode}. */
    public ExitException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /** The exit status the program gave. */
    public int exitCode() {
        return exitCode;
    }
}
