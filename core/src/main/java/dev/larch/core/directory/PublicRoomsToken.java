package dev.larch.core.directory;

import dev.larch.core.error.MatrixException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;

/**
 * A {@code next_batch}/{@code prev_batch} token of the local public room list: a position in its order (joined
 * members descending, then room ID) and the direction to read from it. A position rather than an offset, so a page
 * neither repeats nor skips rooms because another room was published meanwhile; opaque to clients (base64url).
 *
 * @param forward true for {@code next_batch} (rooms after the position), false for {@code prev_batch} (before it)
 */
record PublicRoomsToken(boolean forward, long members, String roomId) {
  /** The list's order: the largest rooms first, ties by room ID. */
  static final Comparator<PublicRoom> ORDER = Comparator.comparingLong(PublicRoom::numJoinedMembers).reversed()
      .thenComparing(PublicRoom::roomId);

  static PublicRoomsToken after(PublicRoom room) {
    return new PublicRoomsToken(true, room.numJoinedMembers(), room.roomId());
  }

  static PublicRoomsToken before(PublicRoom room) {
    return new PublicRoomsToken(false, room.numJoinedMembers(), room.roomId());
  }

  /** Where {@code room} sorts against this position: negative before it, positive after it, 0 at it. */
  int compareTo(PublicRoom room) {
    int byMembers = Long.compare(room.numJoinedMembers(), members);
    return byMembers != 0 ? -byMembers : room.roomId().compareTo(roomId);
  }

  String encode() {
    String plain = (forward ? "n" : "p") + members + ":" + roomId;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code M_INVALID_PARAM} for a token this server did not make. */
  static PublicRoomsToken parse(String token) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      int colon = plain.indexOf(':');
      char direction = plain.isEmpty() ? '?' : plain.charAt(0);
      if ((direction != 'n' && direction != 'p') || colon < 2) {
        throw new IllegalArgumentException("shape");
      }
      long members = Long.parseLong(plain.substring(1, colon));
      return new PublicRoomsToken(direction == 'n', members, plain.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      throw MatrixException.invalidParam("Unknown pagination token (since)");
    }
  }
}
