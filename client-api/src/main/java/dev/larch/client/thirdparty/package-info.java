/** Third-party networks (bridges): none here, as there are no application services. */
package dev.larch.client.thirdparty;
