package org.itgc.audit;

import static org.itgc.platform.EmbeddedPostgresConfiguration.RETENTION_ROLE;
import static org.itgc.platform.EmbeddedPostgresConfiguration.SEALER_ROLE;
import static org.itgc.platform.EmbeddedPostgresConfiguration.pool;

import org.itgc.platform.EmbeddedDatabase;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The demo's and the tests' embedded PostgreSQL: the audit roles' own connections, with passwords made at each start
 * (production configures them in {@link RetentionDataSourceConfiguration}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "itgc.embedded-postgres.enabled", havingValue = "true")
class EmbeddedAuditConnections {

  /**
   * The retention role's connections ({@code itgc_retention}): it reads the audit tables and removes archived months
   * through the one function open to it (changesets {@code 010} and {@code 011}), used by the archive job only.
   */
  @Bean
  RetentionConnections retentionConnections(EmbeddedDatabase postgres) throws java.sql.SQLException {
    return new RetentionConnections(pool(postgres, RETENTION_ROLE, "itgc-retention", 2));
  }

  /**
   * The sealer's connections ({@code itgc_sealer}): the only role that writes chain links and checkpoints, and one that
   * cannot write events (changeset {@code 016}).
   */
  @Bean
  SealerConnections sealerConnections(EmbeddedDatabase postgres) throws java.sql.SQLException {
    return new SealerConnections(pool(postgres, SEALER_ROLE, "itgc-sealer", 3));
  }
}
