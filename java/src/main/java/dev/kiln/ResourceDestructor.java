package dev.kiln;

/**
 * The destructor of a host resource type ({@link ComponentLinker#resource}):
 * runs with the resource's representation when a component drops its owned
 * handle.
 */
@FunctionalInterface
public interface ResourceDestructor {
    /** Forgets the resource {@code rep}. */
    void drop(int rep);
}
