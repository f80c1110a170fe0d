/** Token-bucket rate limiting of client actions, on an injected clock. */
package dev.larch.core.ratelimit;
