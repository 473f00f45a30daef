package org.itgc.audit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Production: the retention role's connections, when {@code itgc.audit.retention.username} is set and no embedded
 * PostgreSQL runs (that one makes its own). Without it archived months stay in the hot tier and the archive job says so.
 */
@Configuration(proxyBeanMethods = false)
@org.springframework.boot.autoconfigure.condition.ConditionalOnExpression(
    "'${itgc.audit.retention.username:}' != '' and '${itgc.embedded-postgres.enabled:false}' != 'true'")
class RetentionDataSourceConfiguration {

  @Bean
  RetentionConnections retentionConnections(@Value("${itgc.audit.retention.url:${spring.datasource.url}}") String url,
      @Value("${itgc.audit.retention.username}") String username, @Value("${itgc.audit.retention.password}") String password) {
    var config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(username);
    config.setPassword(password);
    config.setPoolName("itgc-retention");
    config.setMaximumPoolSize(2);
    return new RetentionConnections(new HikariDataSource(config));
  }
}
