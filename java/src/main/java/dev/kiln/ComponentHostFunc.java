package dev.kiln;

/**
 * A host function of the dynamic path, defined with {@link
 * ComponentLinker#funcNew}: it receives the component's arguments as
 * {@link ComponentVal}s of the types the importing component declares and
 * returns its result (or {@code null} for a function without one). An
 * exception it throws makes the component's call fail with that same
 * exception.
 */
@FunctionalInterface
public interface ComponentHostFunc {
    /** Runs the function. */
    ComponentVal call(ComponentVal[] args);
}
