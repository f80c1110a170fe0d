package dev.larch.core.membership;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import java.util.List;

/**
 * Port: the membership changes that need another server, because this server is not in the room (joining, knocking,
 * leaving or rejecting an invite through a resident server) or because the target is another server's user
 * (inviting). {@link MembershipService} decides when; the implementation ({@code core.federation.join}) talks to the
 * remote servers and stores the outcome.
 *
 * <p>Spec: server-server API, "Joining Rooms", "Knocking upon a room", "Leaving Rooms (Rejecting Invites)",
 * "Inviting to a room"; client-server API, "Room membership". Every method blocks on the network: call from workers.
 * Failures are {@link MatrixException}s a client can read: the remote's refusal passed through, or {@code M_UNKNOWN}
 * 502 when no server could be reached.
 */
public interface RemoteMembership {
  /** A room alias of another server, resolved: the room and the servers that can be joined through. */
  record ResolvedAlias(String roomId, List<String> servers) {
    public ResolvedAlias {
      servers = List.copyOf(servers);
    }
  }

  /** Looks up an alias of another server ({@code query/directory}); {@code M_NOT_FOUND} if it has none such. */
  ResolvedAlias resolveAlias(String alias);

  /**
   * Joins {@code userId} to a room this server is not in, through the first of {@code servers} (then the inviter's
   * server and the room ID's server) that accepts; returns the join event's ID once the room is stored.
   *
   * @param content the member event content this server adds (display name, avatar, reason)
   */
  String join(String userId, String roomId, List<String> servers, ObjectNode content);

  /** Knocks on a room this server is not in, as {@link #join} does; returns the knock event's ID. */
  String knock(String userId, String roomId, List<String> servers, ObjectNode content);

  /** Leaves a room this server is not in: rejects an invite or withdraws a knock; returns the leave event's ID. */
  String leave(String userId, String roomId, ObjectNode content);

  /**
   * Invites another server's user into a room this server is in: the invitee's server signs the invite, then it is
   * stored and sent like any local event. Returns the invite event's ID.
   */
  String invite(String inviter, String roomId, String invitee, ObjectNode content);

  /** No federation: rooms of other servers cannot be reached (a server with federation off, tests). */
  RemoteMembership NONE = new RemoteMembership() {
    @Override
    public ResolvedAlias resolveAlias(String alias) {
      throw MatrixException.notFound("Room alias " + alias + " not found");
    }

    @Override
    public String join(String userId, String roomId, List<String> servers, ObjectNode content) {
      throw MatrixException.notFound("This server does not know room " + roomId);
    }

    @Override
    public String knock(String userId, String roomId, List<String> servers, ObjectNode content) {
      throw MatrixException.notFound("This server does not know room " + roomId);
    }

    @Override
    public String leave(String userId, String roomId, ObjectNode content) {
      throw MatrixException.forbidden("You are not in room " + roomId);
    }

    @Override
    public String invite(String inviter, String roomId, String invitee, ObjectNode content) {
      throw MatrixException.forbidden("Inviting users of other servers needs federation");
    }
  };
}
