package dev.kiln;

/** An error from Kiln: the base of every exception the engine itself raises. */
public class KilnException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public KilnException(String message) {
        super(message);
    }
}
