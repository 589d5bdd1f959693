package dev.kiln;

/** The bytes are not a valid module, or the engine could not compile it. */
public class CompileException extends KilnException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public CompileException(String message) {
        super(message);
    }
}
