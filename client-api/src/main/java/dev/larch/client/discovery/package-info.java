/** Server discovery: what a client asks before logging in (supported versions, and later well-known). */
package dev.larch.client.discovery;
