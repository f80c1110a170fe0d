/** Server discovery: what a client asks before and right after logging in (versions, well-known, capabilities). */
package dev.larch.client.discovery;
