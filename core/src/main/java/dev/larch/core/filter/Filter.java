package dev.larch.core.filter;

import java.util.List;

/**
 * A sync filter: what {@code /sync} returns, parsed and validated from a client's JSON.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#filtering">client-server API v1.11,
 * "Filtering"</a> ({@code Filter}). {@link FilterParser} builds one; {@link FilterService} stores them.
 *
 * @param eventFields dotted paths of the event fields to keep (null: all); {@code \.} escapes a literal dot
 * @param federationFormat true if {@code event_format} is {@code federation}
 * @param presence the presence events to include
 * @param accountData the global account data to include
 * @param room the room sections
 */
public record Filter(
    List<String> eventFields,
    boolean federationFormat,
    EventFilter presence,
    EventFilter accountData,
    RoomFilter room) {
  /** What {@code /sync} uses without a filter. */
  public static final Filter DEFAULT = new Filter(null, false, EventFilter.ALL, EventFilter.ALL, RoomFilter.ALL);
}
