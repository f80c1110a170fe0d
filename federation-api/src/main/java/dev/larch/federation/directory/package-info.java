/** The public room directory as other servers read it. */
package dev.larch.federation.directory;
