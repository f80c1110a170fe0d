/** Room alias routes. Spec: client-server API v1.11, "Room aliases". */
package dev.larch.client.alias;
