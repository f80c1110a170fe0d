/**
 * Configuration: immutable records parsed from {@code conf/larch.yaml} and overridden by command-line flags.
 *
 * <p>The defaults live in code ({@link dev.larch.server.config.LarchConfig#defaults()}); the shipped YAML file
 * documents them and a test keeps the two equal. The defaults also serve as the schema: a key that does not exist
 * there is an error, so typos never pass silently.
 */
package dev.larch.server.config;
