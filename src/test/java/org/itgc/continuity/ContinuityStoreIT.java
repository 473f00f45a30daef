package org.itgc.continuity;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@link ContinuityStore} against the embedded PostgreSQL: a backup and test rows (every column, an array, nulls)
 * read back as records, and the listings that serve them keep the JSON and CSV the API always had (the columns' names
 * in their order, database timestamps as {@code 2031-03-10T11:00:00.500+00:00}, arrays as lists, nulls left out).
 */
@IntegrationTest
class ContinuityStoreIT {

  private static final String SYSTEM = "BI-REPORTING";
  private static final Instant FROM = Instant.parse("2031-03-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2031-04-01T00:00:00Z");

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired ContinuityStore store;

  @Test
  void backupsAndTestsReadBackAsRecordsAndTheListingsKeepTheirJsonAndCsv() {
    long first = store.registerBackup(new ContinuityStore.NewBackup(SYSTEM,
        Instant.parse("2031-03-04T05:06:07.123456Z"), "=s3://backups/bi;1", 42, "ab", "sha256", null, "sofia",
        Instant.parse("2031-03-04T06:00:00Z")));
    long second = store.registerBackup(new ContinuityStore.NewBackup(SYSTEM, Instant.parse("2031-03-05T00:00:00Z"),
        "file:/b2", 0, "cd", "md5", 77L, "system", Instant.parse("2031-03-05T06:00:00Z")));
    try {
      jdbc.update("""
          insert into continuity_test (id, kind, system_id, process_instance_id, retest_of, scenario, participants,
            planned_date, planned_by, outage_declared, service_restored, last_recovered_point, rto_seconds, rpo_seconds,
            actual_rto_seconds, actual_rpo_seconds, rto_met, rpo_met, passed, notes, recorded_by, recorded_at,
            owner_sign_off_by, owner_sign_off_at, it_sign_off_by, it_sign_off_at, remediation, remediated_by,
            remediated_at, created_at)
          values ('CST-1', 'dr', ?, 'p1', null, 'sc', 'pa', '2031-03-10', 'sofia', '2031-03-10T10:00:00Z',
            '2031-03-10T11:00:00.5Z', '2031-03-10T09:59:00Z', 3600, 900, 3600, 60, true, true, false, 'n, "q"',
            'sofia', '2031-03-10T12:00:00Z', 'sofia', '2031-03-10T13:00:00Z', 'ivan', '2031-03-10T14:00:00Z', 'fix',
            'sofia', '2031-03-11T00:00:00Z', '2031-03-09T08:00:00Z')
          """, SYSTEM);
      jdbc.update("""
          insert into continuity_test (id, kind, system_id, process_instance_id, retest_of, rto_seconds, rpo_seconds,
            seed, candidate_backups, backup_id, checksum_expected, checksum_actual, rows_expected, rows_actual, passed,
            created_at)
          values ('CST-2', 'backup-restore', ?, 'p2', 'CST-1', 7200, 86400, -1234567890123, ?::bigint[], ?, 'ab', 'ab',
            null, 5, null, '2031-03-09T09:00:00Z')
          """, SYSTEM, "{" + first + "," + second + "}", second);
      jdbc.update("""
          insert into continuity_test (id, kind, system_id, process_instance_id, rto_seconds, rpo_seconds,
            candidate_backups, created_at)
          values ('CST-3', 'backup-restore', ?, 'p3', 1, 2, '{}', '2031-03-09T09:30:00Z')
          """, SYSTEM);

      // the records, as the database has them
      var firstBackup = new ContinuityStore.Backup(first, SYSTEM, Instant.parse("2031-03-04T05:06:07.123456Z"),
          "=s3://backups/bi;1", 42, "ab", "sha256", null, "sofia");
      var secondBackup = new ContinuityStore.Backup(second, SYSTEM, Instant.parse("2031-03-05T00:00:00Z"), "file:/b2",
          0, "cd", "md5", 77L, "system");
      assertThat(store.backups(SYSTEM, FROM, TO)).containsExactly(firstBackup, secondBackup);
      assertThat(store.candidates(SYSTEM, FROM, Instant.parse("2031-03-05T00:00:00Z"))).containsExactly(firstBackup);
      var dr = new ContinuityStore.ContinuityTest("CST-1", "dr", SYSTEM, null, LocalDate.parse("2031-03-10"),
          Instant.parse("2031-03-10T10:00:00Z"), Instant.parse("2031-03-10T11:00:00.5Z"),
          Instant.parse("2031-03-10T09:59:00Z"), 3600, 3600L, true, 900, 60L, true, false, "sofia",
          Instant.parse("2031-03-10T13:00:00Z"), "ivan", Instant.parse("2031-03-10T14:00:00Z"), null, "fix", "sofia",
          Instant.parse("2031-03-11T00:00:00Z"), null, null, null, null, null, null, null, "n, \"q\"",
          Instant.parse("2031-03-09T08:00:00Z"));
      var restore = new ContinuityStore.ContinuityTest("CST-2", "backup-restore", SYSTEM, "CST-1", null, null, null,
          null, 7200, null, null, 86400, null, null, null, null, null, null, null, null, null, null, null, second,
          -1234567890123L, List.of(first, second), "ab", "ab", null, 5L, null, Instant.parse("2031-03-09T09:00:00Z"));
      var bare = new ContinuityStore.ContinuityTest("CST-3", "backup-restore", SYSTEM, null, null, null, null, null, 1,
          null, null, 2, null, null, null, null, null, null, null, null, null, null, null, null, null, List.of(), null,
          null, null, null, null, Instant.parse("2031-03-09T09:30:00Z"));
      assertThat(store.tests(SYSTEM, FROM, TO)).containsExactly(dr, restore, bare);
      assertThat(store.signOffs("CST-1")).isEqualTo(new ContinuityStore.SignOffs("sofia", "ivan"));
      assertThat(store.restoreExpectation("CST-2")).isEqualTo(new ContinuityStore.RestoreExpectation("ab", null, 7200));
      assertThat(store.restoreTarget("CST-2"))
          .isEqualTo(new ContinuityStore.RestoreTarget(SYSTEM, "file:/b2", "ab", null, 7200));

      // the listings, byte for byte as they were when they were maps of the columns
      String period = "?system=" + SYSTEM + "&from=" + FROM + "&to=" + TO;
      assertThat(Http.as(port, "audrey").get("/api/continuity/backups" + period).body()).isEqualTo("["
          + "{\"id\":" + first + ",\"system_id\":\"BI-REPORTING\",\"taken_at\":\"2031-03-04T05:06:07.123+00:00\","
          + "\"location\":\"=s3://backups/bi;1\",\"size_bytes\":42,\"checksum\":\"ab\",\"checksum_algorithm\":\"sha256\","
          + "\"registered_by\":\"sofia\"},"
          + "{\"id\":" + second + ",\"system_id\":\"BI-REPORTING\",\"taken_at\":\"2031-03-05T00:00:00.000+00:00\","
          + "\"location\":\"file:/b2\",\"size_bytes\":0,\"checksum\":\"cd\",\"checksum_algorithm\":\"md5\","
          + "\"row_count\":77,\"registered_by\":\"system\"}]");
      assertThat(Http.as(port, "audrey").get("/api/continuity/tests" + period).body()).isEqualTo("["
          + "{\"id\":\"CST-1\",\"kind\":\"dr\",\"system_id\":\"BI-REPORTING\",\"planned_date\":\"2031-03-10\","
          + "\"outage_declared\":\"2031-03-10T10:00:00.000+00:00\",\"service_restored\":\"2031-03-10T11:00:00.500+00:00\","
          + "\"last_recovered_point\":\"2031-03-10T09:59:00.000+00:00\",\"rto_seconds\":3600,\"actual_rto_seconds\":3600,"
          + "\"rto_met\":true,\"rpo_seconds\":900,\"actual_rpo_seconds\":60,\"rpo_met\":true,\"passed\":false,"
          + "\"owner_sign_off_by\":\"sofia\",\"owner_sign_off_at\":\"2031-03-10T13:00:00.000+00:00\","
          + "\"it_sign_off_by\":\"ivan\",\"it_sign_off_at\":\"2031-03-10T14:00:00.000+00:00\",\"remediation\":\"fix\","
          + "\"remediated_by\":\"sofia\",\"remediated_at\":\"2031-03-11T00:00:00.000+00:00\",\"notes\":\"n, \\\"q\\\"\","
          + "\"created_at\":\"2031-03-09T08:00:00.000+00:00\"},"
          + "{\"id\":\"CST-2\",\"kind\":\"backup-restore\",\"system_id\":\"BI-REPORTING\",\"retest_of\":\"CST-1\","
          + "\"rto_seconds\":7200,\"rpo_seconds\":86400,\"backup_id\":" + second + ",\"seed\":-1234567890123,"
          + "\"candidate_backups\":[" + first + "," + second + "],\"checksum_expected\":\"ab\",\"checksum_actual\":\"ab\","
          + "\"rows_actual\":5,\"created_at\":\"2031-03-09T09:00:00.000+00:00\"},"
          + "{\"id\":\"CST-3\",\"kind\":\"backup-restore\",\"system_id\":\"BI-REPORTING\",\"rto_seconds\":1,"
          + "\"rpo_seconds\":2,\"candidate_backups\":[],\"created_at\":\"2031-03-09T09:30:00.000+00:00\"}]");
      var csv = Http.as(port, "audrey").get("/api/continuity/tests" + period + "&format=csv");
      assertThat(csv.contentType()).startsWith("text/csv");
      assertThat(csv.body()).isEqualTo(String.join("\n",
          "id,kind,system_id,retest_of,planned_date,outage_declared,service_restored,last_recovered_point,rto_seconds,"
              + "actual_rto_seconds,rto_met,rpo_seconds,actual_rpo_seconds,rpo_met,passed,owner_sign_off_by,"
              + "owner_sign_off_at,it_sign_off_by,it_sign_off_at,exception_id,remediation,remediated_by,remediated_at,"
              + "backup_id,seed,candidate_backups,checksum_expected,checksum_actual,rows_expected,rows_actual,notes,"
              + "created_at",
          "CST-1,dr,BI-REPORTING,,2031-03-10," + at("2031-03-10T10:00:00Z") + "," + at("2031-03-10T11:00:00.5Z") + ","
              + at("2031-03-10T09:59:00Z") + ",3600,3600,true,900,60,true,false,sofia," + at("2031-03-10T13:00:00Z")
              + ",ivan," + at("2031-03-10T14:00:00Z") + ",,fix,sofia," + at("2031-03-11T00:00:00Z")
              + ",,,,,,,,\"n, \"\"q\"\"\"," + at("2031-03-09T08:00:00Z"),
          "CST-2,backup-restore,BI-REPORTING,CST-1,,,,,7200,,,86400,,,,,,,,,,,," + second + ",-1234567890123,\"["
              + first + ", " + second + "]\",ab,ab,,5,," + at("2031-03-09T09:00:00Z"),
          "CST-3,backup-restore,BI-REPORTING,,,,,,1,,,2,,,,,,,,,,,,,,[],,,,,," + at("2031-03-09T09:30:00Z"), ""));
      String empty = "?system=" + SYSTEM + "&from=2031-05-01T00:00:00Z&to=2031-06-01T00:00:00Z&format=csv";
      assertThat(Http.as(port, "audrey").get("/api/continuity/tests" + empty).body()).isEqualTo("id\n");
    } finally {
      jdbc.update("delete from continuity_test where id in ('CST-1', 'CST-2', 'CST-3')");
      jdbc.update("delete from continuity_backup where id in (?, ?)", first, second);
    }
  }

  /** A timestamp as the CSV export writes it ({@link Timestamp#toString()}, the server's time zone). */
  private static String at(String instant) {
    return Timestamp.from(Instant.parse(instant)).toString();
  }
}
