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

  /** Checks that the server answers; starts it again when it does not (with back-off between attempts). */
  @Scheduled(fixedDelayString = "${itgc.embedded-postgres.watch-interval:PT2S}",
      scheduler = SchedulingConfiguration.DATABASE_WATCH)
  public synchronized void watch() {
    if (closed || answers()) {
      return;
    }
    long now = System.nanoTime();
    if (now < nextAttempt) {
      return;
    }
    log.error("The embedded PostgreSQL of {} does not answer: starting it again on port {}", directory, port);
    try {
      try {
        postgres.close();
      } catch (IOException | RuntimeException stopFailed) {
        log.debug("stopping the dead server failed as expected: {}", stopFailed.getMessage());
      }
      OrphanedPostmaster.stopIfOrphaned(directory, Duration.ofSeconds(10));
      postgres = starter.apply(port);
      restarts++;
      backoff = FIRST_RETRY;
      log.warn("The embedded PostgreSQL of {} is running again (restart {})", directory, restarts);
    } catch (IOException | RuntimeException e) {
      nextAttempt = now + backoff.toNanos();
      log.error("The embedded PostgreSQL of {} could not be started again ({}); next attempt in {}", directory,
          e.getMessage(), backoff);
      backoff = backoff.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : backoff.multipliedBy(2);
    }
  }

  private boolean answers() {
    try (var connection = postgres.getPostgresDatabase().getConnection();
        var statement = connection.createStatement()) {
      statement.setQueryTimeout(5);
      return statement.execute("select 1");
    } catch (java.sql.SQLException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public synchronized void close() throws IOException {
    closed = true;
    postgres.close();
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
