package dev.larch.storage.jdbc.journal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A connection that records into a {@link WriteLog} every data-changing statement its work runs, after the statement
 * succeeded, with the parameters it ran with. Reads pass through unrecorded. Work may not commit, roll back or
 * change auto-commit itself: {@link dev.larch.storage.jdbc.Tx} does, and the log must describe exactly what it
 * committed.
 */
public final class RecordingConnection implements InvocationHandler {
  // The only form of nextval a journaled transaction may run (Sequences.next, which records the value).
  private static final Pattern SEQUENCE_READ = Pattern.compile("SELECT nextval\\('[a-z_]+'\\)");

  private final Connection connection;
  private final WriteLog log;

  private RecordingConnection(Connection connection, WriteLog log) {
    this.connection = connection;
    this.log = log;
  }

  /** {@code connection}, recording what changes data into {@code log}. */
  public static Connection wrap(Connection connection, WriteLog log) {
    return proxy(Connection.class, new RecordingConnection(connection, log));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    switch (method.getName()) {
      case "prepareStatement":
        if (args.length != 1) {
          throw new UnsupportedOperationException("journaled transactions use prepareStatement(sql)");
        }
        String sql = (String) args[0];
        boolean changesData = changesData(sql);
        PreparedStatement statement = (PreparedStatement) call(connection, method, args);
        return changesData ? proxy(PreparedStatement.class, new RecordingStatement(statement, sql, log)) : statement;
      case "createStatement":
        if (args != null && args.length != 0) {
          throw new UnsupportedOperationException("journaled transactions use createStatement()");
        }
        return proxy(Statement.class, new RecordingStatement((Statement) call(connection, method, args), null, log));
      case "unwrap":
        return args[0] == WriteLog.class ? log : call(connection, method, args);
      case "isWrapperFor":
        return args[0] == WriteLog.class || (boolean) call(connection, method, args);
      case "commit", "rollback", "setAutoCommit", "setSavepoint", "releaseSavepoint", "prepareCall":
        throw new UnsupportedOperationException(method.getName() + " inside a journaled transaction");
      default:
        return call(connection, method, args);
    }
  }

  /**
   * Whether {@code sql} changes data (and so is journaled). Statements of any other kind than reads and
   * INSERT/UPDATE/DELETE/MERGE are refused, as is nextval outside {@link dev.larch.storage.jdbc.Sequences#next}:
   * replay could not give the same result.
   */
  static boolean changesData(String sql) {
    String trimmed = sql.strip();
    int end = 0;
    while (end < trimmed.length() && Character.isLetter(trimmed.charAt(end))) {
      end++;
    }
    String keyword = trimmed.substring(0, end).toUpperCase(Locale.ROOT);
    boolean write = switch (keyword) {
      case "INSERT", "UPDATE", "DELETE", "MERGE" -> true;
      case "SELECT", "WITH", "VALUES", "TABLE" -> false;
      default -> throw new UnsupportedOperationException("not journaled: " + keyword + " statements");
    };
    if (trimmed.toLowerCase(Locale.ROOT).contains("nextval(") && (write || !SEQUENCE_READ.matcher(trimmed).matches())) {
      throw new UnsupportedOperationException("take sequence values through Sequences.next: " + sql);
    }
    return write;
  }

  /** Records a statement's executions: the parameters set since the last one, or the batch. */
  private static final class RecordingStatement implements InvocationHandler {
    private final Statement statement;
    private final String sql; // null for a plain Statement: its SQL comes with each execute call
    private final WriteLog log;
    private Object[] parameters = new Object[8];
    private int parameterCount;
    private final List<Object[]> batch = new ArrayList<>();

    RecordingStatement(Statement statement, String sql, WriteLog log) {
      this.statement = statement;
      this.sql = sql;
      this.log = log;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      if (name.startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer index) {
        Object result = call(statement, method, args);
        parameter(index, name, args);
        return result;
      }
      switch (name) {
        case "clearParameters":
          parameterCount = 0;
          Arrays.fill(parameters, null);
          return call(statement, method, args);
        case "addBatch":
          if (args != null) {
            throw new UnsupportedOperationException("journaled transactions batch prepared statements only");
          }
          Object added = call(statement, method, args);
          batch.add(Arrays.copyOf(parameters, parameterCount));
          return added;
        case "clearBatch":
          batch.clear();
          return call(statement, method, args);
        case "executeBatch", "executeLargeBatch":
          Object counts;
          try {
            counts = call(statement, method, args);
          } catch (BatchUpdateException e) {
            // H2 goes on after a failed entry: the ones that succeeded changed rows, even if the work then carries
            // on past the failure, so they are journaled like any other.
            recordBatch(e.getLargeUpdateCounts());
            throw e;
          }
          recordBatch(counts instanceof long[] large ? large : toLong((int[]) counts));
          return counts;
        case "executeUpdate", "executeLargeUpdate", "execute":
          return execute(method, args);
        case "executeQuery":
          if (sql == null && args != null) {
            changesData((String) args[0]); // a plain read; refuses what could not be replayed
          }
          return call(statement, method, args);
        default:
          return call(statement, method, args);
      }
    }

    private void recordBatch(long[] counts) {
      // A driver that stops at the first failure reports fewer counts than entries: the rest never ran.
      for (int i = 0; i < batch.size() && counts != null && i < counts.length; i++) {
        if (counts[i] != Statement.EXECUTE_FAILED) {
          log.statement(sql, batch.get(i), counts[i]);
        }
      }
      batch.clear();
    }

    private static long[] toLong(int[] counts) {
      long[] large = new long[counts.length];
      for (int i = 0; i < counts.length; i++) {
        large[i] = counts[i];
      }
      return large;
    }

    private Object execute(Method method, Object[] args) throws Throwable {
      String executed = sql;
      if (args != null && args.length > 0) {
        if (args.length != 1) {
          throw new UnsupportedOperationException("journaled transactions run statements without key options");
        }
        executed = (String) args[0];
        if (!changesData(executed)) {
          return call(statement, method, args);
        }
      }
      Object result = call(statement, method, args);
      long rows = result instanceof Boolean ? statement.getLargeUpdateCount() : ((Number) result).longValue();
      log.statement(executed, Arrays.copyOf(parameters, parameterCount), rows);
      return result;
    }

    private void parameter(int index, String setter, Object[] args) {
      if (index > parameters.length) {
        parameters = Arrays.copyOf(parameters, Math.max(index, parameters.length * 2));
      }
      Object value = switch (setter) {
        case "setNull" -> new WriteLog.SqlNull((Integer) args[1]);
        case "setString" -> args[1] == null ? new WriteLog.SqlNull(Types.VARCHAR) : args[1];
        case "setLong", "setInt", "setBoolean" -> args[1];
        // A copy: the journal is written at commit, and the caller's array must not change what it says.
        case "setBytes" -> args[1] == null ? new WriteLog.SqlNull(Types.VARBINARY) : ((byte[]) args[1]).clone();
        default -> throw new UnsupportedOperationException(setter + " in a journaled transaction");
      };
      parameters[index - 1] = value;
      parameterCount = Math.max(parameterCount, index);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return (T) Proxy.newProxyInstance(RecordingConnection.class.getClassLoader(), new Class<?>[] {type}, handler);
  }

  private static Object call(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
