/**
 * The Pinecone overlay inside the server: started with the node's own key, reachable for peers over TCP and at
 * {@code /ws} on the client port, and inspectable at {@code GET /pinecone}, as Dendrite's Pinecone demo does.
 */
package dev.larch.server.p2p;
