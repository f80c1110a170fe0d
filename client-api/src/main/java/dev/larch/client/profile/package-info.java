/** Profile routes. Spec: client-server API v1.11, "Profiles". */
package dev.larch.client.profile;
