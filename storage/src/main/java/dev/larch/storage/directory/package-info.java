/** The room directory over JDBC: {@code room_directory} (V007). */
package dev.larch.storage.directory;
