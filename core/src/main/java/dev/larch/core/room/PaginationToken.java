package dev.larch.core.room;

import dev.larch.core.error.MatrixException;

/**
 * A position in a room's timeline as clients pass it around ({@code from}, {@code to}, {@code start}, {@code end},
 * {@code prev_batch}, {@code next_batch}). Spec: client-server API, "Pagination" (tokens are opaque to clients).
 *
 * <p>Two forms, shared with {@code /sync}:
 *
 * <ul>
 *   <li>{@code s<N>}, optionally followed by {@code _<more>} parts that other streams (typing, receipts, ...) use:
 *       the point just after the event with stream position {@code N}. {@code /sync} hands these out as
 *       {@code next_batch} and {@code prev_batch}; {@code /messages} reads only the event stream part.
 *   <li>{@code t<depth>_<N>}: the topological position of one event, handed out by {@code /messages} and
 *       {@code /context}; paging from it starts strictly beyond that event.
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

  /** At one event's topological position. */
  record Topological(TopologicalPosition position) implements PaginationToken {
    @Override
    public String format() {
      return "t" + position.depth() + "_" + position.streamPosition();
    }
  }

  /** The wire form. */
  String format();

  /** The token for an event's position. */
  static PaginationToken at(StoredEvent event) {
    return new Topological(event.topologicalPosition());
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
