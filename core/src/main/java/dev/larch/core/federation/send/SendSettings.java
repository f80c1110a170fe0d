package dev.larch.core.federation.send;

/**
 * How the sender paces itself.
 *
 * @param initialBackoffMillis the wait after a destination's first failure (doubled after each further one)
 * @param maxBackoffMillis the longest wait between attempts
 * @param maxPdus PDUs per transaction (the spec's limit is 50)
 * @param maxEdus EDUs per transaction (the spec's limit is 100)
 * @param eventPage events read from the stream per queueing step
 * @param relayAfterFailures after this many failed attempts in a row, a P2P destination is taken to be offline and
 *     its transactions go to the trusted relays, if there are any (Dendrite's "assumed offline" after 2)
 * @param busyPollMillis while a queueing step finds new local events, the next one runs this much later on its own
 *     and the events persisted meanwhile wake nobody (0: each event schedules a step at once). Waking the sender's
 *     thread from the thread that sent the event cost ~50 µs of that send's latency on a small virtual machine;
 *     the price is up to this much more delay before a busy room's events leave
 */
public record SendSettings(long initialBackoffMillis, long maxBackoffMillis, int maxPdus, int maxEdus, int eventPage,
    int relayAfterFailures, long busyPollMillis) {
  /** Spec: server-server API, "Transactions": "at most 50 PDUs and 100 EDUs". */
  public static final int SPEC_MAX_PDUS = 50;

  public static final int SPEC_MAX_EDUS = 100;

  public SendSettings {
    if (initialBackoffMillis <= 0 || maxBackoffMillis < initialBackoffMillis) {
      throw new IllegalArgumentException("backoff must be positive, the maximum at least the initial one");
    }
    if (maxPdus < 1 || maxPdus > SPEC_MAX_PDUS || maxEdus < 1 || maxEdus > SPEC_MAX_EDUS || eventPage < 1) {
      throw new IllegalArgumentException("transaction limits must be within the spec's (50 PDUs, 100 EDUs)");
    }
    if (relayAfterFailures < 1) {
      throw new IllegalArgumentException("a destination is offline after one failure at the earliest");
    }
    if (busyPollMillis < 0) {
      throw new IllegalArgumentException("busy poll interval must not be negative");
    }
  }

  /**
   * Starts at 5 s, doubles up to one hour, full transactions, relays after 2 failures in a row, a step every 10 ms
   * while busy.
   */
  public static SendSettings defaults() {
    return new SendSettings(5_000, 3_600_000, SPEC_MAX_PDUS, SPEC_MAX_EDUS, 500, 2, 10);
  }

  /** These settings with the backoff from {@code initialMillis} up to {@code maxMillis}. */
  public SendSettings withBackoff(long initialMillis, long maxMillis) {
    return new SendSettings(initialMillis, maxMillis, maxPdus, maxEdus, eventPage, relayAfterFailures,
        busyPollMillis);
  }

  /** These settings with {@code busyPollMillis} (0: a step per event, at once). */
  public SendSettings withBusyPoll(long millis) {
    return new SendSettings(initialBackoffMillis, maxBackoffMillis, maxPdus, maxEdus, eventPage, relayAfterFailures,
        millis);
  }
}
