package org.itgc.audit;

import javax.sql.DataSource;

/**
 * The retention role's connections (a type of its own, not a second {@code DataSource} bean, so that the application's
 * own data source stays the one Spring Boot configures). Used by {@link AuditRetention} only.
 */
public record RetentionConnections(DataSource dataSource) implements AutoCloseable {

  @Override
  public void close() throws Exception {
    if (dataSource instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }
}
