/** HTTP plumbing shared by the client API's routes: CORS, JSON responses and error mapping. */
package dev.larch.client.http;
