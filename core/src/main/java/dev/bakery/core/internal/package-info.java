/**
 * How {@code core} reads and resolves its input: YAML with positions, the settings schema, compose
 * translation, merging and plan assembly. Not API: other modules use the {@code dev.bakery.core}
 * package only (checked by {@code PublicApiTest}); classes here are public only so that these
 * sub-packages can see each other.
 */
package dev.bakery.core.internal;
