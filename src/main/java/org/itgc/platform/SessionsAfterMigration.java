package org.itgc.platform;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Settings that the migrations give the application's role (changeset {@code 029}: idle transactions end after five
 * minutes) apply to sessions opened afterwards; connections the pool opened while the context started, before
 * Liquibase ran, are replaced once everything has started (idle ones at once, busy ones when they are returned).
 */
@Configuration(proxyBeanMethods = false)
class SessionsAfterMigration {

  @Bean
  SmartInitializingSingleton freshSessionsAfterMigration(DataSource dataSource) {
    return () -> {
      if (dataSource instanceof HikariDataSource pool && pool.getHikariPoolMXBean() != null) {
        pool.getHikariPoolMXBean().softEvictConnections();
      }
    };
  }
}
