/** Routes of the federation queries about this server's aliases and users. */
package dev.larch.federation.query;
