package dev.larch.server;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT (Ctrl-C) into a request for an orderly stop.
 *
 * <p>Why not just a shutdown hook: the JVM reports death by signal as exit code 143 or 130 even when the hooks ran
 * cleanly, and service managers and test scripts read that as a failure. Handling the signals ourselves lets the
 * main thread stop the node and exit 0. {@code sun.misc.Signal} is the JDK's supported way to do this (module
 * {@code jdk.unsupported}); where a signal cannot be handled, the shutdown hook still stops the node.
 */
final class StopSignals {
  private static final Logger log = LoggerFactory.getLogger(StopSignals.class);

  private StopSignals() {}

  /**
   * Runs {@code onStop} on the JDK's signal thread when SIGTERM or SIGINT first arrives. A second signal while the
   * stop is under way (a second Ctrl-C) ends the process at once, with exit code 1.
   */
  static void install(Runnable onStop) {
    AtomicBoolean stopping = new AtomicBoolean();
    for (String name : List.of("TERM", "INT")) {
      try {
        Signal.handle(new Signal(name), signal -> {
          if (stopping.compareAndSet(false, true)) {
            log.info("stopping signal=SIG{}", signal.getName());
            onStop.run();
          } else {
            log.warn("second stop signal, exiting without waiting signal=SIG{}", signal.getName());
            Runtime.getRuntime().halt(1);
          }
        });
      } catch (IllegalArgumentException e) {
        // The platform lacks this signal or the JVM reserves it (e.g. -Xrs): the shutdown hook covers it.
        log.debug("cannot handle signal={} reason={}", name, e.getMessage());
      }
    }
  }
}
