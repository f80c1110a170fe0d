/** X-Matrix request signing and authentication (server-server API, "Request Authentication"). */
package dev.larch.core.federation.auth;
