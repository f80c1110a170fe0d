/** Routes that serve room history to other servers. */
package dev.larch.federation.events;
