package dev.larch.core.room;

import dev.larch.core.error.MatrixException;

/**
 * A point between two events of a room's timeline, as clients pass it around ({@code from}, {@code to},
 * {@code start}, {@code end}, {@code prev_batch}, {@code next_batch}). Spec: client-server API, "Pagination" (tokens
 * are opaque to clients).
 *
 * <p>Every token names a gap, never an event, so paging either way from one token is consistent: backwards returns
 * the events before the gap, forwards the events after it. The {@code end} of a backwards page is the gap before its
 * oldest event, so paging forwards from it returns that event again, as Synapse does and clients expect. Two forms,
 * shared with {@code /sync}:
 *
 * <ul>
 *   <li>{@code s<N>}, optionally followed by {@code _<more>} parts that other streams (typing, receipts, ...) use:
 *       the gap just after the event with stream position {@code N}. {@code /sync} hands these out as
 *       {@code next_batch}; {@code /messages} reads only the event stream part.
 *   <li>{@code t<depth>_<N>}: the gap just after topological position {@code (depth, N)}, handed out by
 *       {@code /messages}, {@code /context} and as {@code prev_batch}.
 * </ul>
 */
public sealed interface PaginationToken {
  /** Just after stream position {@code position}. */
  record Stream(long position) implements PaginationToken {
    @Override
    public String format() {
      return "s" + position;
    }
  }

  /** Just after topological position {@code position}. */
  record Topological(TopologicalPosition position) implements PaginationToken {
    @Override
    public String format() {
      return "t" + position.depth() + "_" + position.streamPosition();
    }
  }

  /** The wire form. */
  String format();

  /** The gap just before {@code event}: no position lies between (d, s−1) and (d, s). */
  static PaginationToken before(StoredEvent event) {
    return justBefore(event.topologicalPosition());
  }

  /** The gap just before a topological position. */
  static PaginationToken justBefore(TopologicalPosition position) {
    return new Topological(new TopologicalPosition(position.depth(), position.streamPosition() - 1));
  }

  /** The gap just after a topological position. */
  static PaginationToken justAfter(TopologicalPosition position) {
    return new Topological(position);
  }

  /** Parses either form; {@code M_INVALID_PARAM} for anything else. */
  static PaginationToken parse(String token) {
    if (token == null || token.length() < 2) {
      throw invalid();
    }
    try {
      if (token.charAt(0) == 's') {
        int end = token.indexOf('_');
        long position = Long.parseLong(end < 0 ? token.substring(1) : token.substring(1, end));
        if (position < 0) {
          throw invalid();
        }
        return new Stream(position);
      }
      if (token.charAt(0) == 't') {
        int split = token.indexOf('_');
        if (split < 0) {
          throw invalid();
        }
        long depth = Long.parseLong(token.substring(1, split));
        long position = Long.parseLong(token.substring(split + 1));
        return new Topological(new TopologicalPosition(depth, position));
      }
    } catch (NumberFormatException e) {
      throw invalid();
    }
    throw invalid();
  }

  private static MatrixException invalid() {
    return MatrixException.invalidParam("Invalid pagination token");
  }
}
