/** Local room aliases. Spec: client-server API, "Room aliases". */
package dev.larch.core.alias;
