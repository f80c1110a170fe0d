/** Giving memory back to the machine when the node has nothing to do. */
package dev.larch.server.idle;
