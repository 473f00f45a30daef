package org.itgc.audit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Production (no embedded PostgreSQL, which makes its own): the retention role's and the sealer's connections, each
 * when its user name is set. Without the retention role archived months stay in the hot tier and the archive job says
 * so; without the sealer's role the sealer uses the application's connections and warns at every start that the
 * application's role could then write chain links.
 */
@Configuration(proxyBeanMethods = false)
@org.springframework.boot.autoconfigure.condition.ConditionalOnExpression(
    "'${itgc.embedded-postgres.enabled:false}' != 'true'")
class RetentionDataSourceConfiguration {

  @Bean
  @org.springframework.boot.autoconfigure.condition.ConditionalOnExpression("'${itgc.audit.retention.username:}' != ''")
  RetentionConnections retentionConnections(@Value("${itgc.audit.retention.url:${spring.datasource.url}}") String url,
      @Value("${itgc.audit.retention.username}") String username, @Value("${itgc.audit.retention.password}") String password) {
    return new RetentionConnections(pool(url, username, password, "itgc-retention", 2));
  }

  /** Production: the sealer's connections, when {@code itgc.audit.sealer.username} is set (see docs/operations.md). */
  @Bean
  @org.springframework.boot.autoconfigure.condition.ConditionalOnExpression("'${itgc.audit.sealer.username:}' != ''")
  SealerConnections sealerConnections(@Value("${itgc.audit.sealer.url:${spring.datasource.url}}") String url,
      @Value("${itgc.audit.sealer.username}") String username, @Value("${itgc.audit.sealer.password}") String password) {
    return new SealerConnections(pool(url, username, password, "itgc-sealer", 3));
  }

  /** A small pool of an audit role's own login. */
  private static HikariDataSource pool(String url, String username, String password, String name, int size) {
    var config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(username);
    config.setPassword(password);
    config.setPoolName(name);
    config.setMaximumPoolSize(size);
    return new HikariDataSource(config);
  }
}
