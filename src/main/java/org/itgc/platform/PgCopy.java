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
      escapeInto(text, value);
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
    if (value == null) {
      return text(null);
    }
    separate();
    // ISO-8601 as Instant.toString writes it, which never needs escaping
    text.append(IsoInstant.format(value));
    return this;
  }

  public PgCopy bytes(byte[] value) {
    separate();
    if (value == null) {
      text.append("\\N");
    } else {
      // HexFormat's whole-array form: measured faster than appending the digits to the builder one by one
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

  /** The rows' text as written so far (for tests). */
  String written() {
    return text.toString();
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
    int first = firstSpecial(value);
    if (first < 0) {
      return value;
    }
    StringBuilder escaped = new StringBuilder(value.length() + 16);
    escapeFrom(escaped, value, first);
    return escaped.toString();
  }

  /**
   * {@link #escape} appended to {@code out} in one pass (every text value of every row goes through here): most values
   * hold none of the four characters and are appended as they are.
   */
  private static void escapeInto(StringBuilder out, String value) {
    int first = firstSpecial(value);
    if (first < 0) {
      out.append(value);
    } else {
      escapeFrom(out, value, first);
    }
  }

  /** The index of the first backslash, tab, newline or carriage return, or -1. */
  private static int firstSpecial(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
        return i;
      }
    }
    return -1;
  }

  /** Appends the value, its characters from {@code first} on escaped (the ones before need no escaping). */
  private static void escapeFrom(StringBuilder out, String value, int first) {
    out.append(value, 0, first);
    int plain = first;
    for (int i = first; i < value.length(); i++) {
      char c = value.charAt(i);
      char escape = switch (c) {
        case '\\' -> '\\';
        case '\t' -> 't';
        case '\n' -> 'n';
        case '\r' -> 'r';
        default -> 0;
      };
      if (escape != 0) {
        out.append(value, plain, i).append('\\').append(escape);
        plain = i + 1;
      }
    }
    out.append(value, plain, value.length());
  }

  private void separate() {
    if (!lineStart) {
      text.append('\t');
    }
    lineStart = false;
  }
}
