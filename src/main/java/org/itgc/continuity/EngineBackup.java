package org.itgc.continuity;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * A consistent logical backup of the engine's PostgreSQL database (engine, history, audit and project tables), made
 * the way pg_dump makes its data section: every table copied with PostgreSQL's COPY protocol inside one read-only
 * REPEATABLE READ transaction, so all tables come from one snapshot. The result is a ZIP with one COPY file per
 * table, the sequences' values, and a manifest of each table's row count and SHA-256. Works on the embedded and on an
 * external PostgreSQL alike (no server-side file access, no client binaries of a matching major version).
 */
public final class EngineBackup {

  public static final String MANIFEST = "manifest.json";
  static final List<String> EXCLUDED = List.of("databasechangeloglock");

  /** What a backup holds. */
  public record Manifest(String format, Instant takenAt, String serverVersion, List<TableEntry> tables,
      Map<String, Long> sequences, List<String> auditMonths, List<String> logMonths) {
    public long totalRows() {
      return tables.stream().mapToLong(TableEntry::rows).sum();
    }
  }

  /** One table of a backup. */
  public record TableEntry(String name, long rows, String sha256) {}

  /** A written backup file. */
  public record Result(Path file, String sha256, long sizeBytes, Manifest manifest) {}

  private EngineBackup() {}

  /** Writes a backup of the database behind {@code dataSource} into {@code folder}. */
  public static Result write(DataSource dataSource, Path folder, Clock clock, ObjectMapper json) throws IOException, SQLException {
    Files.createDirectories(folder);
    Instant takenAt = clock.instant();
    Path partial = Files.createTempFile(folder, "itgc-engine-", ".zip.partial");
    Manifest manifest;
    MessageDigest fileDigest = org.itgc.platform.Hashes.sha256Digest();
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      connection.setReadOnly(true);
      try (OutputStream file = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(partial)), fileDigest);
           ZipOutputStream zip = new ZipOutputStream(file)) {
        var copy = connection.unwrap(PGConnection.class).getCopyAPI();
        List<TableEntry> tables = new ArrayList<>();
        for (String table : tables(connection)) {
          zip.putNextEntry(new ZipEntry("tables/" + table + ".copy"));
          var counting = new CountingDigest(zip);
          // a partitioned table (the audit trail's) is copied through its parent, its partitions not on their own
          copy.copyOut("COPY (select * from " + quote(table) + ") TO STDOUT", counting);
          zip.closeEntry();
          tables.add(new TableEntry(table, counting.lines, HexFormat.of().formatHex(counting.digest.digest())));
        }
        manifest = new Manifest("itgc-engine-backup/1", takenAt, serverVersion(connection), tables, sequences(connection),
            auditMonths(connection), logMonths(connection));
        zip.putNextEntry(new ZipEntry(MANIFEST));
        zip.write(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        zip.closeEntry();
      }
      connection.commit();
    } catch (IOException | SQLException | RuntimeException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
    Path target = folder.resolve("itgc-engine-" + takenAt.toString().replace(":", "").replace(".", "-") + ".zip");
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    return new Result(target, HexFormat.of().formatHex(fileDigest.digest()), Files.size(target), manifest);
  }

  static List<String> tables(Connection connection) throws SQLException {
    List<String> names = new ArrayList<>();
    try (var statement = connection.createStatement();
         var rs = statement.executeQuery("select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
             + "where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition order by c.relname")) {
      while (rs.next()) {
        if (!EXCLUDED.contains(rs.getString(1))) {
          names.add(rs.getString(1));
        }
      }
    }
    return names;
  }

  /** The months of the audit trail's hot partitions (a restore makes them before loading the rows). */
  static List<String> auditMonths(Connection connection) throws SQLException {
    return org.itgc.audit.AuditRetention.hotMonths(connection).stream().map(m -> m.atDay(1).toString()).toList();
  }

  /** The months of the logs' partitions (a restore makes them before loading the rows). */
  static List<String> logMonths(Connection connection) throws SQLException {
    return org.itgc.logs.LogPartitions.months(connection).stream().map(m -> m.atDay(1).toString()).toList();
  }

  static Map<String, Long> sequences(Connection connection) throws SQLException {
    Map<String, Long> values = new LinkedHashMap<>();
    try (var statement = connection.createStatement();
         var rs = statement.executeQuery("select sequencename, last_value from pg_sequences "
             + "where schemaname = current_schema() order by sequencename")) {
      while (rs.next()) {
        Object last = rs.getObject(2);
        values.put(rs.getString(1), last == null ? 0L : ((Number) last).longValue());
      }
    }
    return values;
  }

  private static String serverVersion(Connection connection) throws SQLException {
    try (var statement = connection.createStatement(); var rs = statement.executeQuery("show server_version")) {
      rs.next();
      return rs.getString(1);
    }
  }

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  /** Passes bytes through, counting rows (lines of COPY text format) and hashing them; never closes the target. */
  static final class CountingDigest extends OutputStream {
    final MessageDigest digest = org.itgc.platform.Hashes.sha256Digest();
    private final OutputStream target;
    long lines;

    CountingDigest(OutputStream target) {
      this.target = target;
    }

    @Override
    public void write(int b) throws IOException {
      target.write(b);
      digest.update((byte) b);
      if (b == '\n') {
        lines++;
      }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      target.write(bytes, offset, length);
      digest.update(bytes, offset, length);
      for (int i = offset; i < offset + length; i++) {
        if (bytes[i] == '\n') {
          lines++;
        }
      }
    }

    @Override
    public void close() {
      // the ZIP entry is closed by the caller
    }
  }
}
