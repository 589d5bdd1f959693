package dev.kiln;

/**
 * What a module imports.
 *
 * @param module the module name
 * @param name the item name
 * @param type what must be given
 */
public record ImportType(String module, String name, ExternType type) {}
