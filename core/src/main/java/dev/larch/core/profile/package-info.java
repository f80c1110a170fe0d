/**
 * Profiles of local users (display name, avatar URL) and their propagation into joined rooms. Spec: client-server
 * API, "Profiles".
 */
package dev.larch.core.profile;
