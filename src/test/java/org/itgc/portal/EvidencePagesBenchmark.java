package org.itgc.portal;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.WebSession;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The governance pages over 10,000 changes of one quarter (issue #15: each page within a second at 10,000 records):
 * the evidence browser's first page, a page deep into the list, a search by title, the list's CSV, CM-02's population
 * list and the dashboard of that quarter. Baselines measured in the same run: the database's own page query over
 * the same rows (select one page and count) and the home page (the frame, one user's tasks and requests). The changes
 * are loaded by COPY into a quarter of 2020 that no other test reads, and removed after. Prints figures as ratios to
 * the baselines; asserts only that every page answers and shows the 10,000. Run: {@code ./mvnw verify -Pbenchmark}
 * (size with {@code -Dbenchmark.changes=...}).
 */
@IntegrationTest
class EvidencePagesBenchmark {

  private static final int CHANGES = Integer.getInteger("benchmark.changes", 10_000);
  private static final int ROUNDS = 10;
  private static final String FROM = "2020-01-01";
  private static final String TO = "2020-04-01";

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired DataSource dataSource;
  @Autowired @org.springframework.boot.autoconfigure.liquibase.LiquibaseDataSource DataSource ownerDataSource;

  @Test
  void theEvidencePagesOverTenThousandChangesOfAQuarter() throws Exception {
    double loadSeconds = load();
    try {
      var audrey = WebSession.tasklist(port, "audrey", Http.DEMO_PASSWORD);
      String period = "from=" + FROM + "&to=" + TO;
      Instant from = Instant.parse("2020-01-01T05:00:00Z");
      Instant to = Instant.parse("2020-04-01T04:00:00Z");

      Map<String, Double> figures = new LinkedHashMap<>();
      figures.put("database: one page of 50 and the count", time(() -> {
        jdbc.query("select * from change_request where created_at >= ? and created_at < ? "
            + "order by created_at desc, id desc offset 0 limit 50", rs -> { }, Timestamp.from(from), Timestamp.from(to));
        return jdbc.queryForObject("select count(*) from change_request where created_at >= ? and created_at < ?",
            Long.class, Timestamp.from(from), Timestamp.from(to)).toString();
      }, String.valueOf(CHANGES)));
      figures.put("home page /app", time(() -> page(audrey, "/app"), "Welcome"));
      figures.put("evidence: changes, first page", time(() -> page(audrey, "/app/evidence?kind=changes&" + period),
          "Changes: " + CHANGES + " found"));
      figures.put("evidence: changes, rows 5,001-5,050", time(() -> page(audrey, "/app/evidence?kind=changes&offset=5000&"
          + period), "Rows 5001 to 5050 of " + CHANGES));
      figures.put("evidence: changes, search by title", time(() -> page(audrey, "/app/evidence?kind=changes&q=batch+7&"
          + period), "found"));
      figures.put("evidence: changes, CSV of all", time(() -> page(audrey, "/app/evidence/export?kind=changes&format=csv&"
          + period), "CHG-2020-9"));
      figures.put("dashboard: CM-02 population list", time(() -> page(audrey, "/app/dashboard/lists/population?key=CM-02&"
          + period), "Population of CM-02: " + CHANGES + " rows"));
      figures.put("dashboard of the quarter", time(() -> page(audrey, "/app/dashboard?" + period), "population-CM-02"));
      // the same 10,000 changes as one person's own requests (their requester is audrey here)
      figures.put("my requests, first page", time(() -> page(audrey, "/app/requests"), "of " + CHANGES));
      figures.put("my requests, rows 5,001-5,020", time(() -> page(audrey, "/app/requests?changes=5000"),
          "5001-5020 of " + CHANGES));

      double database = figures.get("database: one page of 50 and the count");
      double home = figures.get("home page /app");
      var out = new StringBuilder(String.format("BENCHMARK governance pages: %,d changes in one quarter (loaded in %.1f s),"
          + " mean of %d requests each after one warm-up%n", CHANGES, loadSeconds, ROUNDS));
      figures.forEach((name, ms) -> out.append(String.format("  %-42s %8.1f ms  %6.1fx the database's page  %5.2fx the home page%n",
          name, ms, ms / database, ms / home)));
      System.out.print(out);
    } finally {
      new JdbcTemplate(ownerDataSource).update("delete from change_request where id like 'CHG-2020-9%'");
    }
  }

  private String page(WebSession session, String path) {
    var page = session.get(path);
    if (page.status() != 200) {
      throw new AssertionError(path + " answered " + page.status() + ": " + page.body());
    }
    return page.body();
  }

  /** The mean milliseconds of {@link #ROUNDS} calls after one warm-up; each answer must contain {@code expected}. */
  private static double time(Supplier<String> call, String expected) {
    String first = call.get();
    if (!first.contains(expected)) {
      throw new AssertionError("expected '" + expected + "' in " + first.substring(0, Math.min(2000, first.length())));
    }
    long start = System.nanoTime();
    for (int i = 0; i < ROUNDS; i++) {
      call.get();
    }
    return (System.nanoTime() - start) / 1e6 / ROUNDS;
  }

  private double load() throws Exception {
    new JdbcTemplate(ownerDataSource).update("delete from change_request where id like 'CHG-2020-9%'");
    long start = System.nanoTime();
    var rows = new StringBuilder();
    for (int i = 0; i < CHANGES; i++) {
      String created = Instant.parse("2020-01-02T15:00:00Z").plusSeconds(i * 600L).toString();
      rows.append(String.format("CHG-2020-9%05d\tRaise limit batch %d\tERP-GL\tnormal\taudrey\tDescription\tJustification\t"
          + "true\tPlan\ttrue\tRollback\t%s\t%s\trequested\t%s\t%s%n", i, i % 10, created, created, created, created));
    }
    try (Connection connection = dataSource.getConnection()) {
      connection.unwrap(PGConnection.class).getCopyAPI().copyIn("copy change_request (id, title, system_id, change_type, "
          + "requester, description, justification, touches_financial_data, implementation_plan, has_tested_rollback, "
          + "rollback_plan, planned_start, planned_end, status, created_at, updated_at) from stdin",
          new StringReader(rows.toString()));
    }
    new JdbcTemplate(ownerDataSource).execute("analyze change_request");
    return (System.nanoTime() - start) / 1e9;
  }
}
