package dev.larch.core.alias;

import java.util.List;
import java.util.Optional;

/**
 * Port: this server's room aliases. Every method is one transaction.
 *
 * <p>Spec: client-server API, "Room aliases" ({@code /directory/room/{roomAlias}}).
 */
public interface AliasStore {
  /** Maps {@code alias} to {@code roomId}, created by {@code creator}; false if the alias is taken. */
  boolean create(String alias, String roomId, String creator);

  /** The alias's mapping, or empty. */
  Optional<RoomAliasEntry> get(String alias);

  /** Removes the alias; false if it did not exist. */
  boolean delete(String alias);

  /** The local aliases of a room, sorted. */
  List<String> aliasesOf(String roomId);

  /**
   * One alias mapping.
   *
   * @param creator the user who created the alias, who may delete it again
   */
  record RoomAliasEntry(String alias, String roomId, String creator) {}
}
