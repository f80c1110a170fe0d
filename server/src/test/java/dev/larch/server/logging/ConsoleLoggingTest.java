package dev.larch.server.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The logging set up in code is the one conf/logback.xml.example describes, line format included. */
class ConsoleLoggingTest {
  private static final Path EXAMPLE =
      Path.of(System.getProperty("larch.home", ".."), "conf", "logback.xml.example");

  @Test
  void inCodeConfigurationEqualsTheShippedExample() throws Exception {
    LoggerContext inCode = new LoggerContext();
    ConsoleLogging.apply(inCode);
    LoggerContext fromXml = new LoggerContext();
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(fromXml);
    joran.doConfigure(EXAMPLE.toFile());

    for (String name : List.of(Logger.ROOT_LOGGER_NAME, "io.netty", "io.vertx", "dev.larch", "io.netty.channel")) {
      assertEquals(fromXml.getLogger(name).getEffectiveLevel(), inCode.getLogger(name).getEffectiveLevel(), name);
    }
    assertEquals(Level.INFO, inCode.getLogger("dev.larch.storage").getEffectiveLevel());
    assertEquals(Level.WARN, inCode.getLogger("io.vertx.core").getEffectiveLevel());

    ConsoleAppender<ILoggingEvent> codeConsole = console(inCode);
    ConsoleAppender<ILoggingEvent> xmlConsole = console(fromXml);
    assertEquals(xmlConsole.getTarget(), codeConsole.getTarget());
    assertEquals("System.err", codeConsole.getTarget());
    assertTrue(codeConsole.isStarted());

    LoggingEvent event = new LoggingEvent("fqcn", inCode.getLogger("dev.larch.server.LarchServer"), Level.WARN,
        "node started port={}", null, new Object[] {8008});
    event.setTimeStamp(1_764_331_200_123L);
    String line = new String(codeConsole.getEncoder().encode(event), StandardCharsets.UTF_8);
    assertEquals(new String(xmlConsole.getEncoder().encode(event), StandardCharsets.UTF_8), line);
    assertTrue(line.endsWith(" WARN  LarchServer node started port=8008" + System.lineSeparator()), line);
  }

  private static ConsoleAppender<ILoggingEvent> console(LoggerContext context) {
    Appender<ILoggingEvent> appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE");
    @SuppressWarnings("unchecked")
    ConsoleAppender<ILoggingEvent> console = assertInstanceOf(ConsoleAppender.class, appender);
    return console;
  }
}
