package dev.larch.core.filter;

import java.util.List;

/**
 * Which events of a non-room stream (presence, global account data) a client wants: types and senders to include
 * or leave out, and how many.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#filtering">client-server API v1.11,
 * "Filtering"</a> ({@code EventFilter}). A missing list means "no restriction"; an empty {@code types} list matches
 * nothing; {@code not_*} wins over the inclusive list; {@code *} in a type is a wildcard.
 *
 * @param limit the most events to return, or 0 for the server's default
 * @param types the types to include, or null for all
 * @param notTypes the types to leave out
 * @param senders the senders to include, or null for all
 * @param notSenders the senders to leave out
 */
public record EventFilter(
    int limit, List<String> types, List<String> notTypes, List<String> senders, List<String> notSenders) {
  /** The filter that lets everything through. */
  public static final EventFilter ALL = new EventFilter(0, null, List.of(), null, List.of());

  /** Whether an event of {@code type} sent by {@code sender} (null for none) passes. */
  public boolean matches(String type, String sender) {
    return matchesType(type) && matchesSender(sender);
  }

  /** Whether {@code type} passes {@code types} and {@code not_types}. */
  public boolean matchesType(String type) {
    for (String pattern : notTypes) {
      if (glob(pattern, type)) {
        return false;
      }
    }
    if (types == null) {
      return true;
    }
    for (String pattern : types) {
      if (glob(pattern, type)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code sender} passes {@code senders} and {@code not_senders}. */
  public boolean matchesSender(String sender) {
    if (sender == null) {
      return true;
    }
    if (notSenders.contains(sender)) {
      return false;
    }
    return senders == null || senders.contains(sender);
  }

  /** {@link #limit} if set, else {@code defaultLimit}, never above {@code max}. */
  public int limitOr(int defaultLimit, int max) {
    return Math.min(limit > 0 ? limit : defaultLimit, max);
  }

  /** Matches {@code value} against a pattern in which {@code *} stands for any run of characters. */
  static boolean glob(String pattern, String value) {
    if (pattern.indexOf('*') < 0) {
      return pattern.equals(value);
    }
    // Iterative wildcard match with backtracking to the last star: linear in practice, no regex compilation.
    int p = 0;
    int v = 0;
    int star = -1;
    int mark = 0;
    while (v < value.length()) {
      if (p < pattern.length() && pattern.charAt(p) != '*' && pattern.charAt(p) == value.charAt(v)) {
        p++;
        v++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = v;
      } else if (star >= 0) {
        p = star + 1;
        v = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }
}
