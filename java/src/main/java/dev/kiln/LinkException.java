package dev.kiln;

/** A module's imports cannot be satisfied by what was given. */
public class LinkException extends KilnException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public LinkException(String message) {
        super(message);
    }
}
