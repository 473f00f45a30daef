package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The lines of a logs archive segment: written, read back and checked; every kind of change fails. */
class LogArchiveFormatTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YearMonth MONTH = YearMonth.of(2026, 5);

  private static LogRecord record(long id, Instant at, String actor) {
    return new LogRecord(id, at, at.plusSeconds(3), "ERP-GL", "hec", LogRecord.Status.MAPPED, null, actor, "read",
        "invoice", "AP-" + id, null, id % 2 == 0 ? "{\"amount\":1}" : null, "10.0.0." + id, "127.0.0.1",
        ("{\"event\":" + id + "}").getBytes(StandardCharsets.UTF_8));
  }

  /** Two batches of records of May 2026 (the second also holds a record of June, which the segment leaves out). */
  private static List<JsonNode> lines() throws Exception {
    Instant may = Instant.parse("2026-05-10T08:00:00.123456Z");
    List<LogRecord> first = List.of(record(1, may, "john"), record(2, may.plusSeconds(60), "mary"),
        record(3, may.plusSeconds(120), "john"));
    List<LogRecord> second = List.of(record(4, may.plusSeconds(600), "john"),
        record(5, Instant.parse("2026-06-01T00:00:00Z"), "mary"));
    List<Map<String, Object>> lines = new ArrayList<>();
    lines.add(LogArchiveFormat.batchLine(new LogArchiveFormat.SegmentBatch(batch(10, first), 100L, "ab".repeat(32))));
    lines.add(LogArchiveFormat.batchLine(new LogArchiveFormat.SegmentBatch(batch(11, second), 101L, "cd".repeat(32))));
    for (int i = 0; i < first.size(); i++) {
      lines.add(LogArchiveFormat.recordLine(first.get(i), 10, i));
    }
    lines.add(LogArchiveFormat.recordLine(second.get(0), 11, 0));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Map<String, Object> line : lines) {
      LogArchiveFormat.write(JSON, out, line);
    }
    List<JsonNode> read = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      read.add(JSON.readTree(line));
    }
    return read;
  }

  private static LogStore.Batch batch(long id, List<LogRecord> records) {
    List<byte[]> leaves = records.stream().map(LogRecord::leafHash).toList();
    byte[] packed = new byte[32 * leaves.size()];
    for (int i = 0; i < leaves.size(); i++) {
      System.arraycopy(leaves.get(i), 0, packed, 32 * i, 32);
    }
    return new LogStore.Batch(id, "ERP-GL", Instant.parse("2026-06-01T00:00:05Z"), leaves.size(),
        Merkle.hex(Merkle.root(leaves)), packed, records.get(0).id(), records.get(records.size() - 1).id(), 500 + id,
        null);
  }

  private static JsonNode manifest(long records, int batches, long first, long last) {
    return JSON.valueToTree(Map.of("records", records, "batches", batches, "firstRecordId", first, "lastRecordId", last));
  }

  private static List<LogArchiveFormat.Archived> check(List<JsonNode> lines, JsonNode manifest) {
    List<LogArchiveFormat.Archived> read = new ArrayList<>();
    var checker = new LogArchiveFormat.Checker(MONTH, read::add);
    lines.forEach(checker::accept);
    checker.finish(manifest);
    return read;
  }

  private static List<JsonNode> changed(List<JsonNode> lines, int index, UnaryOperator<ObjectNode> change) {
    List<JsonNode> copy = new ArrayList<>();
    for (JsonNode line : lines) {
      copy.add(line.deepCopy());
    }
    copy.set(index, change.apply((ObjectNode) copy.get(index)));
    return copy;
  }

  @Test
  void aSegmentReadsBackWithEveryRecordItsLeafAndItsBatchesCarriers() throws Exception {
    var read = check(lines(), manifest(4, 2, 1, 4));
    assertThat(read).extracting(a -> a.record().id()).containsExactly(1L, 2L, 3L, 4L);
    assertThat(read.get(1).record().afterJson()).isEqualTo("{\"amount\":1}");
    assertThat(read.get(1).record().actor()).isEqualTo("mary");
    assertThat(read.get(3).leafIndex()).isZero();
    assertThat(read.get(3).batch().batch().leafCount()).as("the batch keeps every leaf, June's too").isEqualTo(2);
    assertThat(read.get(3).batch().carrierChainSeq()).isEqualTo(101L);
    assertThat(read.get(0).batch().batch().auditEventId()).isEqualTo(510L);
    // the proof of an archived record is the hot one's: path from the batch's leaves to its root
    var a = read.get(2);
    var leaves = a.batch().batch().leafHashes();
    assertThat(Merkle.verify(a.record().leafHash(), a.leafIndex(), leaves.size(), Merkle.path(leaves, a.leafIndex()),
        Merkle.unhex(a.batch().batch().root()))).isTrue();
  }

  @Test
  void anyChangeFailsTheSegment() throws Exception {
    List<JsonNode> lines = lines();
    JsonNode manifest = manifest(4, 2, 1, 4);
    // a record's content changed (its canonical bytes re-encoded with another actor)
    LogRecord other = record(2, Instant.parse("2026-05-10T08:01:00.123456Z"), "eve");
    assertThatThrownBy(() -> check(changed(lines, 3, l -> l.put("canonical", java.util.Base64.getEncoder()
        .encodeToString(other.canonical()))), manifest)).isInstanceOf(LogArchiveFormat.Invalid.class)
        .hasMessage("record 2 does not hash to the leaf sealed for it in batch 10");
    // a leaf of a batch changed: its root no longer follows
    assertThatThrownBy(() -> check(changed(lines, 0, l -> {
      byte[] leaves = java.util.Base64.getDecoder().decode(l.get("leaves").asText());
      leaves[5] ^= 1;
      return l.put("leaves", java.util.Base64.getEncoder().encodeToString(leaves));
    }), manifest)).hasMessage("batch 10: its root is not the root of its leaves");
    // a record moved to another place in its batch
    assertThatThrownBy(() -> check(changed(lines, 2, l -> l.put("leafIndex", 1)), manifest))
        .hasMessageContaining("record 1 does not hash to the leaf");
    // canonical bytes that do not decode, or name another record
    assertThatThrownBy(() -> check(changed(lines, 2, l -> l.put("canonical", "AAAA")), manifest))
        .hasMessageStartingWith("record 1: ");
    assertThatThrownBy(() -> check(changed(lines, 2, l -> l.put("record", 0)), manifest))
        .hasMessage("record 0: its canonical bytes are record 1's");
    // a record of another month, a batch missing, lines out of order
    List<JsonNode> june = new ArrayList<>(lines);
    june.add(JSON.valueToTree(LogArchiveFormat.recordLine(record(5, Instant.parse("2026-06-01T00:00:00Z"), "mary"),
        11, 1)));
    assertThatThrownBy(() -> check(june, manifest(5, 2, 1, 5))).hasMessage("record 5 did not occur in 2026-05");
    assertThatThrownBy(() -> check(lines.subList(1, lines.size()), manifest(4, 1, 1, 4)))
        .hasMessage("record 1: its batch 10 is not in the segment");
    List<JsonNode> swapped = new ArrayList<>(lines);
    java.util.Collections.swap(swapped, 2, 3);
    assertThatThrownBy(() -> check(swapped, manifest)).hasMessage("record 1 is out of order");
    // a line left out, or the counts not the manifest's
    List<JsonNode> dropped = new ArrayList<>(lines);
    dropped.remove(4);
    assertThatThrownBy(() -> check(dropped, manifest)).hasMessageContaining("holds 3 records in 2 batches");
    assertThatThrownBy(() -> check(lines, manifest(4, 2, 1, 5))).hasMessageContaining("run from 1 to 4");
  }

  @Test
  void canonicalBytesDecodeToTheRecordAndNothingElseDoes() {
    LogRecord r = record(7, Instant.parse("2026-05-10T08:00:00Z"), "john");
    LogRecord back = LogRecord.fromCanonical(r.canonical());
    assertThat(back.canonical()).isEqualTo(r.canonical());
    assertThat(back.raw()).isEqualTo(r.raw());
    assertThat(back.beforeJson()).isNull();
    byte[] longer = java.util.Arrays.copyOf(r.canonical(), r.canonical().length + 1);
    assertThatThrownBy(() -> LogRecord.fromCanonical(longer)).hasMessageContaining("go on after");
    byte[] shorter = java.util.Arrays.copyOf(r.canonical(), r.canonical().length - 1);
    assertThatThrownBy(() -> LogRecord.fromCanonical(shorter)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LogRecord.fromCanonical("itgc-log-record-2".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("do not start with");
  }
}
