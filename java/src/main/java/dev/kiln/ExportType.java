package dev.kiln;

/**
 * What a module exports.
 *
 * @param name the export name
 * @param type what is exported
 */
public record ExportType(String name, ExternType type) {}
