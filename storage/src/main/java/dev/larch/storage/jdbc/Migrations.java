package dev.larch.storage.jdbc;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Migrates a database to the current schema with Flyway, loaded in a class loader of its own that is dropped
 * afterwards, so Flyway's ~430 classes are unloaded at the next full collection instead of staying in a running node's
 * class metadata (~2.5 MB of a laptop node's resident memory) for its whole life. Flyway is therefore called
 * reflectively, through its public fluent API: {@code Flyway.configure(loader).dataSource(..).locations(..)
 * .failOnMissingLocations(false).load().migrate()}.
 */
final class Migrations {
  private static final String FLYWAY_PACKAGE = "org.flywaydb.";
  // Present in flyway-core and in every database plugin jar (flyway-database-postgresql, ...).
  private static final String PLUGIN_SERVICES = "META-INF/services/org.flywaydb.core.extensibility.Plugin";

  // The loader of the last migration, for the test that checks it is collected.
  static volatile WeakReference<ClassLoader> lastLoader = new WeakReference<>(null);

  private Migrations() {}

  /** Applies the pending migrations of {@code locations} ({@code classpath:} folders) to {@code dataSource}. */
  static void migrate(DataSource dataSource, String... locations) {
    ClassLoader parent = Migrations.class.getClassLoader();
    try (FlywayLoader loader = new FlywayLoader(flywayJars(parent), parent)) {
      lastLoader = new WeakReference<>(loader);
      Class<?> flyway = loader.loadClass("org.flywaydb.core.Flyway");
      Object config = flyway.getMethod("configure", ClassLoader.class).invoke(null, loader);
      config = call(config, "dataSource", DataSource.class, dataSource);
      config = call(config, "locations", String[].class, locations);
      config = call(config, "failOnMissingLocations", boolean.class, false);
      Object loaded = config.getClass().getMethod("load").invoke(config);
      try {
        loaded.getClass().getMethod("migrate").invoke(loaded);
      } catch (InvocationTargetException e) {
        throw readable(e.getCause());
      }
    } catch (ReflectiveOperationException | IOException e) {
      throw new IllegalStateException("could not run Flyway", e);
    }
  }

  // Flyway's own exception (a failed or checksum-mismatched migration), rendered while its loader is still open:
  // its message is built by Flyway classes the closed loader can no longer load (a ClassNotFoundException instead of
  // the reason). Its stack trace and causes' text are kept.
  private static IllegalStateException readable(Throwable flywayFailure) {
    StringBuilder message = new StringBuilder("Flyway: ").append(flywayFailure);
    for (Throwable cause = flywayFailure.getCause(); cause != null; cause = cause.getCause()) {
      message.append("; caused by ").append(cause);
    }
    IllegalStateException readable = new IllegalStateException(message.toString());
    readable.setStackTrace(flywayFailure.getStackTrace());
    return readable;
  }

  private static Object call(Object target, String method, Class<?> parameter, Object argument)
      throws ReflectiveOperationException {
    return target.getClass().getMethod(method, parameter).invoke(target, argument);
  }

  // The jars (or class folders) Flyway and its database plugins come from, as the parent sees them.
  private static URL[] flywayJars(ClassLoader parent) throws IOException {
    Set<URL> roots = new LinkedHashSet<>();
    for (Enumeration<URL> found = parent.getResources(PLUGIN_SERVICES); found.hasMoreElements(); ) {
      roots.add(root(found.nextElement()));
    }
    if (roots.isEmpty()) {
      throw new IOException("Flyway is not on the class path (no " + PLUGIN_SERVICES + ")");
    }
    return roots.toArray(URL[]::new);
  }

  private static URL root(URL resource) throws MalformedURLException {
    String url = resource.toString();
    if (url.startsWith("jar:") && url.contains("!/")) {
      return new URL(url.substring("jar:".length(), url.indexOf("!/")));
    }
    return new URL(url.substring(0, url.length() - PLUGIN_SERVICES.length())); // a class folder
  }

  /** Loads Flyway's classes itself (child first) and everything else from the parent. */
  private static final class FlywayLoader extends URLClassLoader {
    static {
      registerAsParallelCapable();
    }

    FlywayLoader(URL[] urls, ClassLoader parent) {
      super("larch-flyway", urls, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith(FLYWAY_PACKAGE)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> loaded = findLoadedClass(name);
        if (loaded == null) {
          loaded = findClass(name);
        }
        if (resolve) {
          resolveClass(loaded);
        }
        return loaded;
      }
    }
  }
}
