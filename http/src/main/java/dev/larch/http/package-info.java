/**
 * Matrix over Vert.x Web, shared by the client and federation APIs: what endpoints read of a request
 * ({@code ReceivedRequest}), JSON responses and the one mapping of failures to Matrix error responses
 * ({@code errcode}, {@code error}, HTTP status).
 */
package dev.larch.http;
