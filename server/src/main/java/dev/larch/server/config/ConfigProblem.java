package dev.larch.server.config;

/**
 * One thing wrong with the configuration: the key it concerns (dotted path, e.g. {@code client.listen}) and what is
 * wrong, phrased for the person who wrote the value.
 */
public record ConfigProblem(String key, String message) {}
