/** HTTP plumbing shared by the federation API's routes: JSON responses and error mapping. */
package dev.larch.federation.http;
