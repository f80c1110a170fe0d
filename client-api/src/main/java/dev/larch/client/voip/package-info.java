/** Voice over IP: the TURN servers clients may use (none configured). */
package dev.larch.client.voip;
