/** Pushers and notifications over JDBC: {@code pushers} and {@code notifications} (V007). */
package dev.larch.storage.push;
