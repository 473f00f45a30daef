package org.itgc.continuity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import javax.sql.DataSource;
import liquibase.Liquibase;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.postgresql.PGConnection;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Restores an {@link EngineBackup} into an empty PostgreSQL database: creates the schema with the project's Liquibase
 * changelog (Camunda's included), loads every table with COPY with triggers off (the audit table's append-only
 * triggers would refuse the load), sets the sequences, and checks each table's row count and SHA-256 against the
 * manifest. The operator's command (see docs/continuity.md):
 * {@code java -cp itgc-engine.jar -Dloader.main=org.itgc.continuity.EngineRestore
 * org.springframework.boot.loader.launch.PropertiesLauncher BACKUP.zip JDBC_URL USER PASSWORD}.
 */
public final class EngineRestore {

  /** The outcome: per table, the rows expected (manifest) and found (after the load). */
  public record Report(Map<String, Long> expectedRows, Map<String, Long> restoredRows, List<String> problems,
      Duration duration) {
    public boolean complete() {
      return problems.isEmpty();
    }
  }

  private EngineRestore() {}

  public static Report restore(Path backup, DataSource target) throws IOException, SQLException {
    long started = System.nanoTime();
    ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
    try (Connection connection = target.getConnection()) {
      if (!EngineBackup.tables(connection).isEmpty()) {
        throw new IOException("the target database is not empty: restore into a new, empty database");
      }
    }
    // Liquibase closes the connection it is given: the schema gets one of its own
    createSchema(target);
    try (ZipFile zip = new ZipFile(backup.toFile()); Connection connection = target.getConnection()) {
      var manifestEntry = zip.getEntry(EngineBackup.MANIFEST);
      if (manifestEntry == null) {
        throw new IOException(backup + " is not an ITGC Engine backup: it has no " + EngineBackup.MANIFEST);
      }
      EngineBackup.Manifest manifest;
      try (InputStream in = zip.getInputStream(manifestEntry)) {
        manifest = json.readValue(in, EngineBackup.Manifest.class);
      }
      connection.setAutoCommit(false);
      try (var statement = connection.createStatement()) {
        for (String month : manifest.auditMonths() == null ? List.<String>of() : manifest.auditMonths()) {
          statement.execute("select audit_create_month(date '" + java.time.LocalDate.parse(month) + "')");
        }
        // the logs' months (none in a backup written before the logs capability)
        for (String month : manifest.logMonths() == null ? List.<String>of() : manifest.logMonths()) {
          org.itgc.logs.LogPartitions.create(connection, java.time.YearMonth.from(java.time.LocalDate.parse(month)));
        }
        statement.execute("set session_replication_role = replica");
        // the changelog seeds a few rows (Camunda's properties, the changelog itself): the backup's rows replace them
        for (EngineBackup.TableEntry table : manifest.tables()) {
          statement.execute("delete from " + EngineBackup.quote(table.name()));
        }
      }
      var copy = connection.unwrap(PGConnection.class).getCopyAPI();
      Map<String, Long> expected = new LinkedHashMap<>();
      Map<String, Long> restored = new LinkedHashMap<>();
      List<String> problems = new java.util.ArrayList<>();
      for (EngineBackup.TableEntry table : manifest.tables()) {
        expected.put(table.name(), table.rows());
        var entry = zip.getEntry("tables/" + table.name() + ".copy");
        if (entry == null) {
          problems.add(table.name() + ": missing from the backup");
          continue;
        }
        var digest = org.itgc.platform.Hashes.sha256Digest();
        try (InputStream in = new java.security.DigestInputStream(zip.getInputStream(entry), digest)) {
          copy.copyIn("COPY " + EngineBackup.quote(table.name()) + " FROM STDIN", in);
        }
        if (!HexFormat.of().formatHex(digest.digest()).equals(table.sha256())) {
          problems.add(table.name() + ": the SHA-256 of its data does not match the manifest");
        }
      }
      try (var statement = connection.createStatement()) {
        for (var sequence : manifest.sequences().entrySet()) {
          statement.execute("select setval('" + sequence.getKey().replace("'", "''") + "', "
              + Math.max(1, sequence.getValue()) + ", " + (sequence.getValue() > 0) + ")");
        }
        statement.execute("set session_replication_role = origin");
        for (String table : expected.keySet()) {
          try (var rs = statement.executeQuery("select count(*) from " + EngineBackup.quote(table))) {
            rs.next();
            restored.put(table, rs.getLong(1));
          }
          if (!restored.get(table).equals(expected.get(table))) {
            problems.add(table + ": " + restored.get(table) + " rows restored, " + expected.get(table) + " backed up");
          }
        }
      }
      if (problems.isEmpty()) {
        connection.commit();
      } else {
        connection.rollback();
      }
      return new Report(expected, restored, problems, Duration.ofNanos(System.nanoTime() - started));
    }
  }

  private static void createSchema(DataSource target) throws SQLException {
    try (Connection connection = target.getConnection()) {
      var database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
      try (var liquibase = new Liquibase("db/changelog/db.changelog-master.yaml",
          new ClassLoaderResourceAccessor(EngineRestore.class.getClassLoader()), database)) {
        liquibase.update("");
      }
    } catch (liquibase.exception.LiquibaseException e) {
      throw new SQLException("creating the schema failed: " + e.getMessage(), e);
    }
  }

  /** Command line: BACKUP.zip JDBC_URL USER PASSWORD. Exit code 0 when the restore is complete. */
  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out));
  }

  /** What the command does, returning its exit code: 0 complete, 1 not complete (rolled back), 2 wrong arguments. */
  public static int run(String[] args, java.io.PrintStream out) {
    if (args.length != 4) {
      out.println("usage: EngineRestore BACKUP.zip JDBC_URL USER PASSWORD");
      return 2;
    }
    var target = new PGSimpleDataSource();
    target.setUrl(args[1]);
    target.setUser(args[2]);
    target.setPassword(args[3]);
    Report report;
    try {
      report = restore(Path.of(args[0]), target);
    } catch (IOException | SQLException e) {
      out.println("RESTORE FAILED: " + e.getMessage());
      return 1;
    }
    report.expectedRows().forEach((table, rows) ->
        out.printf("%-40s %10d backed up %10d restored%n", table, rows, report.restoredRows().getOrDefault(table, -1L)));
    report.problems().forEach(p -> out.println("PROBLEM " + p));
    out.println(report.complete() ? "RESTORE COMPLETE in " + report.duration() : "RESTORE FAILED (rolled back)");
    return report.complete() ? 0 : 1;
  }
}
