package org.itgc.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The archive tier: a run of the chain written as a segment with a signed manifest, retrieved over HTTP only after it
 * verifies, a corrupted segment refused whole, and the LG-02 retrieval test recorded.
 */
@IntegrationTest
class AuditArchiveIT {

  @LocalServerPort int port;
  @Autowired AuditArchive archive;
  @Autowired AuditArchiveWriter writer;
  @Autowired AuditArchiveRestoreTest restoreTest;
  @Autowired AuditArchiveStore store;
  @Autowired AuditSealer sealer;
  @Autowired AuditRecorder recorder;
  @Autowired JdbcTemplate jdbc;
  @Autowired com.fasterxml.jackson.databind.ObjectMapper json;
  @Autowired @org.springframework.beans.factory.annotation.Qualifier("auditTrailClock") java.time.Clock clock;

  long[] sealedRange(String objectId, int events) {
    for (int i = 0; i < events; i++) {
      recorder.record(AuditEvent.system("invoice.view", "invoice", objectId).build());
    }
    sealer.seal();
    Long first = jdbc.queryForObject("select min(c.seq) from audit_chain c join audit_event e on e.id = c.event_id "
        + "where e.object_id = ?", Long.class, objectId);
    Long last = jdbc.queryForObject("select max(seq) from audit_chain", Long.class);
    return new long[] {first, last};
  }

  @Test
  void aSegmentIsRetrievedOnlyWhenItVerifiesAndTheRetrievalTestIsRecorded() throws Exception {
    Path folder = archive.folder();
    Instant from = Instant.now().minus(1, ChronoUnit.MINUTES);
    long[] range = sealedRange("AP-ARCHIVE-1", 5);
    var written = writer.archive("it-good", range[0], range[1]);
    assertThat(written.events()).isEqualTo((int) (range[1] - range[0] + 1));
    assertThat(Files.exists(folder.resolve("audit-it-good.jsonl.gz"))).isTrue();
    assertThat(Files.readString(folder.resolve("audit-it-good.manifest.json"))).contains("\"checkpoint\"");

    var retrieved = Http.as(port, "audrey").get("/api/audit/archive?from=" + from + "&to=" + Instant.now().plusSeconds(60));
    assertThat(retrieved.status()).as(retrieved.toString()).isEqualTo(200);
    assertThat(retrieved.body()).contains("AP-ARCHIVE-1");
    var test = Http.as(port, "audrey").post("/api/audit/archive/tests", "{}");
    assertThat(test.status()).isEqualTo(200);
    assertThat(test.json().get("passed").asBoolean()).as(test.toString()).isTrue();
    assertThat(test.json().get("events").asLong()).as("restored and hashed again").isPositive();
    assertThat(jdbc.queryForObject("select count(*) from audit_archive_test where passed", Integer.class)).isPositive();

    // the listings answer the JSON they had when their rows were maps, byte for byte
    var segments = Http.as(port, "audrey").get("/api/audit/archive/segments");
    assertThat(segments.body()).isEqualTo(json.writeValueAsString(
        jdbc.queryForList("select * from audit_archive_segment order by first_seq")));
    var tests = Http.as(port, "audrey").get("/api/audit/archive/tests");
    assertThat(tests.body()).isEqualTo(json.writeValueAsString(
        jdbc.queryForList("select * from audit_archive_test order by id")));
    java.util.Map<String, Object> asMap = new java.util.LinkedHashMap<>();
    asMap.put("tested", true);
    for (String field : new String[] {"label", "seed", "passed", "events", "comparedWithHotChain", "problem"}) {
      asMap.put(field, json.convertValue(test.json().get(field), Object.class));
    }
    assertThat(test.body()).isEqualTo(json.writeValueAsString(asMap));
    assertThat(json.writeValueAsString(new AuditArchiveRestoreTest.Ran("x", 1, true, 3, 2, null)))
        .isEqualTo("{\"tested\":true,\"label\":\"x\",\"seed\":1,\"passed\":true,\"events\":3,"
            + "\"comparedWithHotChain\":2}");
    assertThat(json.writeValueAsString(new AuditArchiveRestoreTest.Ran("x", 1, false, 0, 0, "bad")))
        .endsWith("\"comparedWithHotChain\":0,\"problem\":\"bad\"}");
    assertThat(json.writeValueAsString(new AuditArchiveRestoreTest.Skipped("none")))
        .isEqualTo("{\"tested\":false,\"reason\":\"none\"}");
    var chain = Http.as(port, "audrey").get("/api/audit/chain?fromSeq=" + range[0] + "&size=2");
    assertThat(chain.json().get("links").toString()).isEqualTo(json.writeValueAsString(archive.links(range[0],
        range[0] + 1)));

    // a period holding more than one answer carries is refused whole, not cut short
    var small = new AuditArchive(store, sealer, json, clock, new AuditArchiveFiles(folder), 2);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> small.retrieve(from, Instant.now().plusSeconds(60)))
        .isInstanceOf(AuditArchive.TooMany.class).hasMessageContaining("more than 2");

    // a second segment, one byte changed: the period is refused whole, naming the segment
    long[] second = sealedRange("AP-ARCHIVE-2", 3);
    writer.archive("it-bad", second[0], second[1]);
    Path file = folder.resolve("audit-it-bad.jsonl.gz");
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Files.write(file, bytes);
    var refused = Http.as(port, "audrey").get("/api/audit/archive?from=" + from + "&to=" + Instant.now().plusSeconds(60));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.body()).contains("it-bad").contains("SHA-256").doesNotContain("AP-ARCHIVE-1\"");
    assertThat(Http.as(port, "audrey").get("/api/audit/archive?from=" + Instant.now() + "&to=" + from).status())
        .isEqualTo(400);
    assertThat(Http.as(port, "rachel").post("/api/audit/archive/tests", "{}").status()).isEqualTo(403);

    // the quarterly test's run says how it ended: done only when the retrieved segment matched
    restoreTest.scheduledTest();
    Boolean passed = jdbc.queryForObject("select passed from audit_archive_test where tested_by = 'schedule' "
        + "order by id desc limit 1", Boolean.class);
    String outcome = jdbc.queryForObject("select outcome from scheduled_run where job = 'audit-archive-test' "
        + "order by slot desc limit 1", String.class);
    if (Boolean.TRUE.equals(passed)) {
      assertThat(outcome).isEqualTo("done");
    } else {
      assertThat(outcome).startsWith("failed: the retrieved segment ");
    }
  }
}
