/** Ephemeral data units: what arrives in transactions besides PDUs, and what this server sends. */
package dev.larch.core.federation.edu;
