package org.itgc.platform.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The lengths of the database's text columns ({@code varchar(n)}), read once from {@code information_schema} after
 * the schema is migrated, for {@link FitsColumn}. Held statically as well, because a validator may be created outside
 * Spring (the limits are the schema's, the same for every context of this code).
 */
@Component
public class ColumnLimits implements org.springframework.beans.factory.SmartInitializingSingleton {

  private static final Map<String, Integer> LIMITS = new ConcurrentHashMap<>();

  private final JdbcTemplate jdbc;

  ColumnLimits(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** After every singleton, so after Liquibase has migrated the schema. */
  @Override
  public void afterSingletonsInstantiated() {
    jdbc.query("""
        select table_name, column_name, character_maximum_length from information_schema.columns
        where table_schema = current_schema() and character_maximum_length is not null
        """, rs -> {
          LIMITS.put(rs.getString(1) + "." + rs.getString(2), rs.getInt(3));
        });
  }

  /**
   * The number of characters {@code column} takes: its own length, else the field's {@code max}.
   *
   * @throws IllegalStateException when the column is unknown, or has no length and the field states none, or the
   *     field's limit is larger than the column's (a mistake in the code, found by {@code ColumnLimitsIT})
   */
  public static int limit(String column, int max) {
    Integer own = LIMITS.get(column);
    if (own == null && max <= 0) {
      throw new IllegalStateException("column " + column + " has no length and its field states no max");
    }
    if (own != null && max > own) {
      throw new IllegalStateException("the field's max " + max + " exceeds column " + column + " (" + own + ")");
    }
    return own != null ? own : max;
  }
}
