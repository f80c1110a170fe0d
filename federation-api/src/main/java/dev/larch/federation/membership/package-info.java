/** Routes of the membership handshakes other servers run against this one: make/send join, leave, knock; invite. */
package dev.larch.federation.membership;
