package org.itgc.platform;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The embedded PostgreSQL of the demo and the tests, watched: when its server dies (killed, crashed), the engine
 * reports the outage (health DOWN, API 503) and starts the server again on the same folder and port, retrying with
 * back-off (1 s doubling to a minute) until it is up; the connection pools then reconnect by themselves. Production
 * runs on the operator's PostgreSQL, which the operator restarts; this class is not used there.
 */
public class EmbeddedDatabase implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  private static final Duration LAST_RETRY = Duration.ofMinutes(1);

  private final Path directory;
  private final Function<Integer, EmbeddedPostgres> starter;
  private final int port;
  private final boolean deleteOnClose;
  private volatile EmbeddedPostgres postgres;
  private volatile boolean closed;
  private volatile int missed;
  private Duration backoff = FIRST_RETRY;
  private long nextAttempt;
  private int restarts;

  EmbeddedDatabase(Path directory, Function<Integer, EmbeddedPostgres> starter, int port, boolean deleteOnClose) {
    this.directory = directory;
    this.deleteOnClose = deleteOnClose;
    this.starter = starter;
    this.postgres = starter.apply(port);
    this.port = this.postgres.getPort();
  }

  public int port() {
    return port;
  }

  /** Connections as the database's superuser (schema changes, role set-up). */
  public DataSource ownerDataSource() {
    return postgres.getPostgresDatabase();
  }

  /** The JDBC URL of the embedded server for a login role. */
  public String jdbcUrl(String user) {
    return postgres.getJdbcUrl(user, "postgres");
  }

  /** How many times the server was started again after it died. */
  public int restarts() {
    return restarts;
  }

  /**
   * Checks that the server is there; starts it again when its process is gone. A server whose postmaster still runs
   * is never stopped here, however slowly it answers (the pools report that as an outage until it answers again); a
   * dead one is declared dead after two looks in a row, then started again with back-off between attempts.
   */
  @Scheduled(fixedDelayString = "${itgc.embedded-postgres.watch-interval:PT2S}",
      scheduler = SchedulingConfiguration.DATABASE_WATCH)
  public void watch() {
    if (closed || postmasterAlive() || answers()) {
      missed = 0;
      return;
    }
    if (++missed < 2) {
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      long now = System.nanoTime();
      if (now < nextAttempt) {
        return;
      }
      log.error("The embedded PostgreSQL of {} is gone: starting it again on port {}", directory, port);
      try {
        try {
          postgres.close(); // releases the library's lock on the folder; its stop command finds no server
        } catch (IOException | RuntimeException stopFailed) {
          log.debug("stopping the dead server failed as expected: {}", stopFailed.getMessage());
        }
        postgres = starter.apply(port);
        restarts++;
        missed = 0;
        backoff = FIRST_RETRY;
        log.warn("The embedded PostgreSQL of {} is running again (restart {})", directory, restarts);
      } catch (RuntimeException e) {
        nextAttempt = now + backoff.toNanos();
        log.error("The embedded PostgreSQL of {} could not be started again ({}); next attempt in {}", directory,
            e.getMessage(), backoff);
        backoff = backoff.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : backoff.multipliedBy(2);
      }
    }
  }

  /** Whether the process named in the folder's {@code postmaster.pid} runs. */
  private boolean postmasterAlive() {
    try {
      var lines = java.nio.file.Files.readAllLines(directory.resolve("postmaster.pid"));
      return !lines.isEmpty() && lines.get(0).strip().matches("\\d+")
          && ProcessHandle.of(Long.parseLong(lines.get(0).strip())).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** One connection attempt with short timeouts (a frozen server must not hold the watch, nor the engine's stop). */
  private boolean answers() {
    try (var connection = java.sql.DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres")
        + "&connectTimeout=3&socketTimeout=5&loginTimeout=3"); var statement = connection.createStatement()) {
      return statement.execute("select 1");
    } catch (java.sql.SQLException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    closed = true; // before the lock: a watch in progress ends without starting anything
    synchronized (this) {
      postgres.close();
    }
    if (deleteOnClose) {
      delete(directory);
    }
  }

  /** Deletes a data folder and everything in it (the tests' throwaway databases). */
  static void delete(Path folder) throws IOException {
    if (!java.nio.file.Files.exists(folder)) {
      return;
    }
    try (var paths = java.nio.file.Files.walk(folder)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.deleteIfExists(path);
      }
    }
  }
}
