package org.itgc.platform;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * Rows for PostgreSQL's {@code COPY ... FROM STDIN} in its text format (tab-separated, {@code \N} for null,
 * backslash escapes), written into the current transaction's connection: the fastest way in for many rows, several
 * times a JDBC batch of single-row inserts. Values must not hold a NUL character (text columns cannot).
 */
public final class PgCopy {

  private static final HexFormat HEX = HexFormat.of();
  private final StringBuilder text;
  private boolean lineStart = true;
  private int rows;

  public PgCopy(int expectedBytes) {
    this.text = new StringBuilder(expectedBytes);
  }

  public PgCopy text(String value) {
    separate();
    if (value == null) {
      text.append("\\N");
    } else {
      text.append(escape(value));
    }
    return this;
  }

  public PgCopy number(long value) {
    separate();
    text.append(value);
    return this;
  }

  /** A timestamptz, as ISO-8601 in UTC (microseconds are kept, finer digits rounded by the database). */
  public PgCopy time(Instant value) {
    return value == null ? text(null) : text(value.toString());
  }

  public PgCopy bytes(byte[] value) {
    separate();
    if (value == null) {
      text.append("\\N");
    } else {
      text.append("\\\\x").append(HEX.formatHex(value));
    }
    return this;
  }

  public PgCopy endRow() {
    text.append('\n');
    lineStart = true;
    rows++;
    return this;
  }

  public int rows() {
    return rows;
  }

  /** {@code copy <table> (<columns>) from stdin} with the rows written, on the transaction's connection. */
  public void into(DataSource dataSource, String table, String columns) {
    if (rows == 0) {
      return;
    }
    Connection connection = DataSourceUtils.getConnection(dataSource);
    try {
      connection.unwrap(PGConnection.class).getCopyAPI()
          .copyIn("copy " + table + " (" + columns + ") from stdin", new StringReader(text.toString()));
    } catch (SQLException e) {
      throw new org.springframework.jdbc.UncategorizedSQLException("COPY into " + table, null, e);
    } catch (IOException e) {
      throw new IllegalStateException("COPY into " + table + " failed", e);
    } finally {
      DataSourceUtils.releaseConnection(connection, dataSource);
    }
  }

  /** A text value escaped for COPY's text format. */
  public static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
  }

  private void separate() {
    if (!lineStart) {
      text.append('\t');
    }
    lineStart = false;
  }
}
