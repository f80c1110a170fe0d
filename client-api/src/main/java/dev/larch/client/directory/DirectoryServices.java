package dev.larch.client.directory;

import dev.larch.core.directory.RoomDirectoryService;
import dev.larch.core.directory.UserDirectoryService;
import java.util.Objects;

/**
 * The services behind the room and user directories: one component of {@link dev.larch.client.ClientServices}.
 *
 * @param rooms published rooms and {@code /publicRooms}
 * @param users the user directory search
 */
public record DirectoryServices(RoomDirectoryService rooms, UserDirectoryService users) {
  public DirectoryServices {
    Objects.requireNonNull(rooms, "rooms");
    Objects.requireNonNull(users, "users");
  }
}
