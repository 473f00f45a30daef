package org.itgc.logs;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;

/**
 * The monthly partitions of the logs' tables, for the engine's own backup and restore ({@code continuity}): a backup
 * lists the months that hold partitions, and a restore makes them (through the owner's function, with their
 * triggers) before it loads the rows, as it does for the audit trail's.
 */
public final class LogPartitions {

  private LogPartitions() {}

  /** The months that have a partition of {@code logs_record}. */
  public static List<YearMonth> months(Connection connection) throws SQLException {
    List<YearMonth> months = new ArrayList<>();
    try (var statement = connection.createStatement(); var rs = statement.executeQuery("""
        select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
        where p.relname = 'logs_record' order by c.relname
        """)) {
      while (rs.next()) {
        String name = rs.getString(1);
        if (name.matches("logs_record_y\\d{4}m\\d{2}")) {
          months.add(YearMonth.of(Integer.parseInt(name.substring(13, 17)), Integer.parseInt(name.substring(18, 20))));
        }
      }
    }
    return months;
  }

  /** Makes the partitions of a month (both tables), unless they exist. */
  public static void create(Connection connection, YearMonth month) throws SQLException {
    try (var statement = connection.prepareStatement("select logs_create_month(?)")) {
      statement.setObject(1, month.atDay(1));
      statement.execute();
    }
  }
}
