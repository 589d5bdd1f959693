package dev.kiln;

import java.util.function.Function;

/**
 * A WIT {@code result<T, E>} in generated glue: {@link Ok} or {@link Err}. A
 * side without a type holds {@code null} (use {@code Void}).
 *
 * <pre>{@code
 * Result<Integer, String> r = Result.ok(3);
 * if (r instanceof Result.Ok<Integer, String> ok) {
 *     System.out.println(ok.value());
 * }
 * }</pre>
 *
 * @param <T> the success type
 * @param <E> the error type
 */
public sealed interface Result<T, E> {
    /** Success. */
    record Ok<T, E>(T value) implements Result<T, E> {}

    /** Failure. */
    record Err<T, E>(E value) implements Result<T, E> {}

    /** A success holding {@code value}. */
    static <T, E> Result<T, E> ok(T value) {
        return new Ok<>(value);
    }

    /** A failure holding {@code error}. */
    static <T, E> Result<T, E> err(E error) {
        return new Err<>(error);
    }

    /** Whether this is an {@link Err}. */
    default boolean isErr() {
        return this instanceof Err;
    }

    /** The success value, or the exception {@code toException} makes of the error. */
    default <X extends RuntimeException> T orElseThrow(Function<? super E, X> toException) {
        if (this instanceof Ok<T, E> ok) {
            return ok.value();
        }
        throw toException.apply(((Err<T, E>) this).value());
    }
}
