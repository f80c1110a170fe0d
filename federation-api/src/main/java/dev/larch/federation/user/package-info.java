/** Routes that serve this server's users' devices and keys to other servers. */
package dev.larch.federation.user;
