package org.itgc.access;

import java.nio.charset.StandardCharsets;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * An HR file of 100,000 new people (about 7 MB) imported over HTTP as a job (followed on its status resource until
 * done), against a baseline in the same run: PostgreSQL
 * COPY of the same rows into a scratch table. Prints figures, asserts only that every row was stored. Run:
 * {@code ./mvnw verify -Pbenchmark} (size with {@code -Dbenchmark.hrRows=...}).
 */
@IntegrationTest
class HrImportBenchmark {

  private static final int ROWS = Integer.getInteger("benchmark.hrRows", 100_000);

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  @Test
  void aHundredThousandRowHrFile() throws Exception {
    String run = Long.toString(System.nanoTime(), 36).toUpperCase(java.util.Locale.ROOT);
    StringBuilder csv = new StringBuilder("employeeId,name,email,managerId,department,job,status,hireDate,"
        + "terminationDate,userName\n");
    for (int i = 0; i < ROWS; i++) {
      csv.append("B").append(run).append(i).append(",Bench Person ").append(i).append(",bench").append(i)
          .append('.').append(run.toLowerCase(java.util.Locale.ROOT)).append("@example.com,E1000,Finance,Clerk,active,")
          .append("2024-01-02,,\n");
    }
    byte[] body = csv.toString().getBytes(StandardCharsets.UTF_8);

    jdbc.execute("create temporary table if not exists bench_hr_copy as select * from access_identity with no data");
    long copyStart = System.nanoTime();
    var connection = jdbc.getDataSource().getConnection();
    try (connection) {
      var copy = connection.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
      StringBuilder rows = new StringBuilder();
      for (int i = 0; i < ROWS; i++) {
        rows.append("C").append(run).append(i).append("\tperson\tBench Person ").append(i).append("\tbench").append(i)
            .append("@example.com\tE1000\tFinance\tClerk\tactive\t2024-01-02\thr-csv\n");
      }
      copy.copyIn("copy bench_hr_copy (id, kind, name, email, manager_id, department, job, status, hire_date, source) from stdin",
          new java.io.StringReader(rows.toString()));
    }
    double copySeconds = (System.nanoTime() - copyStart) / 1e9;

    long start = System.nanoTime();
    var sam = Http.as(port, "sam");
    var answer = sam.post("/api/access/identities/import", "text/csv", body);
    double accepted = (System.nanoTime() - start) / 1e9;
    String job = answer.header("Location");
    var status = answer;
    int polls = 0;
    while (java.util.List.of("queued", "running").contains(status.json().path("state").asText())) {
      Thread.sleep(100);
      status = sam.get(job);
      polls++;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Integer stored = jdbc.queryForObject("select count(*) from access_identity where id like ?", Integer.class,
        "B" + run + "%");
    if (stored == null || stored != ROWS) {
      throw new AssertionError("stored " + stored + " of " + ROWS + ": " + answer.status() + " "
          + answer.body().substring(0, Math.min(500, answer.body().length())));
    }
    System.out.printf("""
        BENCHMARK HR import: %,d rows (%.1f MB) over HTTP
          baseline  COPY of the same rows into a scratch table: %.2f s
          import    %.2f s (%,.0f rows/s), %.0fx the baseline's time; answer %d after %.2f s, job %s %s after %d polls
        """, ROWS, body.length / 1e6, copySeconds, seconds, ROWS / seconds, seconds / copySeconds, answer.status(),
        accepted, job, status.json().path("state").asText(), polls);
  }
}
