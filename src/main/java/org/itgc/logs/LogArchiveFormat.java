package org.itgc.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The content of a logs archive segment (docs/logs.md, "Hot tier and archive"): gzip-compressed JSON lines, first one
 * line per sealed batch that holds a record of the segment (its system, size, root, every leaf hash, record range and
 * the audit event that carries the root: its id, chain sequence and link hash), in batch id order, then one line per
 * record (its canonical bytes, base64, and its place in its batch), in record id order. The lines are written and
 * checked here; the manifest and its signature are {@link org.itgc.audit.SignedManifest}'s.
 */
final class LogArchiveFormat {

  /** The version tag a segment's manifest carries. */
  static final String FORMAT = "itgc-logs-segment/1";

  private LogArchiveFormat() {}

  /** A batch as a segment holds it, with the link of the audit event that carries its root. */
  record SegmentBatch(LogStore.Batch batch, Long carrierChainSeq, String carrierHash) {}

  /** A record of a segment with its place in its batch, as read back (checked). */
  record Archived(LogRecord record, int leafIndex, SegmentBatch batch) {}

  /** A line problem: the segment fails verification. */
  static final class Invalid extends RuntimeException {
    Invalid(String problem) {
      super(problem);
    }
  }

  static Map<String, Object> batchLine(SegmentBatch b) {
    LogStore.Batch batch = b.batch();
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("batch", batch.id());
    line.put("system", batch.system());
    line.put("sealedAt", batch.sealedAt().toString());
    line.put("leafCount", batch.leafCount());
    line.put("root", batch.root().strip());
    line.put("leaves", Base64.getEncoder().encodeToString(batch.leaves()));
    line.put("firstRecordId", batch.firstRecordId());
    line.put("lastRecordId", batch.lastRecordId());
    Map<String, Object> carrier = new LinkedHashMap<>();
    carrier.put("sequence", batch.auditEventId());
    carrier.put("chainSeq", b.carrierChainSeq());
    carrier.put("hash", b.carrierHash());
    line.put("auditEvent", carrier);
    return line;
  }

  static Map<String, Object> recordLine(LogRecord record, long batchId, int leafIndex) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("record", record.id());
    line.put("occurredAt", record.occurredAt().toString());
    line.put("batch", batchId);
    line.put("leafIndex", leafIndex);
    line.put("canonical", Base64.getEncoder().encodeToString(record.canonical()));
    return line;
  }

  /** Writes one line (a JSON document and a line feed). */
  static void write(ObjectMapper json, OutputStream out, Map<String, Object> line) throws IOException {
    out.write(json.writeValueAsBytes(line));
    out.write('\n');
  }

  /**
   * Checks a segment's lines as they are read, handing each record over once it holds: batches before records, in
   * increasing id order; each batch's root is the Merkle root of its leaves; each record's canonical bytes decode,
   * belong to the month, and hash to the leaf its batch holds at its index. {@link #finish} then checks the counts
   * against the manifest. Throws {@link Invalid} naming the first problem.
   */
  static final class Checker {

    private final YearMonth month;
    private final Map<Long, SegmentBatch> batches = new HashMap<>();
    private final Consumer<Archived> each;
    private long lastBatch = Long.MIN_VALUE;
    private long lastRecord = Long.MIN_VALUE;
    private long firstRecord = Long.MIN_VALUE;
    private long records;

    Checker(YearMonth month, Consumer<Archived> each) {
      this.month = month;
      this.each = each;
    }

    void accept(JsonNode line) {
      if (line.has("batch") && line.has("root")) {
        batch(line);
      } else if (line.has("record")) {
        record(line);
      } else {
        throw new Invalid("a line is neither a batch nor a record");
      }
    }

    private void batch(JsonNode line) {
      long id = line.get("batch").asLong();
      if (records > 0 || id <= lastBatch) {
        throw new Invalid("batch " + id + " is out of order");
      }
      lastBatch = id;
      int leafCount = line.path("leafCount").asInt();
      byte[] leaves;
      try {
        leaves = Base64.getDecoder().decode(line.path("leaves").asText());
      } catch (IllegalArgumentException e) {
        throw new Invalid("batch " + id + ": its leaves are not base64");
      }
      if (leafCount < 1 || leaves.length != 32 * leafCount) {
        throw new Invalid("batch " + id + ": it holds " + leaves.length / 32 + " leaves, not " + leafCount);
      }
      String root = line.path("root").asText();
      LogStore.Batch batch = new LogStore.Batch(id, line.path("system").isNull() ? null : line.path("system").asText(),
          Instant.parse(line.path("sealedAt").asText()), leafCount, root, leaves, line.path("firstRecordId").asLong(),
          line.path("lastRecordId").asLong(), line.path("auditEvent").path("sequence").asLong(), null);
      if (!Merkle.hex(Merkle.root(batch.leafHashes())).equals(root)) {
        throw new Invalid("batch " + id + ": its root is not the root of its leaves");
      }
      JsonNode carrier = line.path("auditEvent");
      batches.put(id, new SegmentBatch(batch, carrier.path("chainSeq").isNumber() ? carrier.get("chainSeq").asLong()
          : null, carrier.path("hash").isTextual() ? carrier.get("hash").asText() : null));
    }

    private void record(JsonNode line) {
      long id = line.get("record").asLong();
      if (id <= lastRecord) {
        throw new Invalid("record " + id + " is out of order");
      }
      lastRecord = id;
      if (firstRecord == Long.MIN_VALUE) {
        firstRecord = id;
      }
      LogRecord record;
      try {
        record = LogRecord.fromCanonical(Base64.getDecoder().decode(line.path("canonical").asText()));
      } catch (IllegalArgumentException e) {
        throw new Invalid("record " + id + ": " + e.getMessage());
      }
      if (record.id() != id) {
        throw new Invalid("record " + id + ": its canonical bytes are record " + record.id() + "'s");
      }
      if (!YearMonth.from(record.occurredAt().atZone(ZoneOffset.UTC)).equals(month)) {
        throw new Invalid("record " + id + " did not occur in " + month);
      }
      SegmentBatch batch = batches.get(line.path("batch").asLong());
      int index = line.path("leafIndex").asInt(-1);
      if (batch == null) {
        throw new Invalid("record " + id + ": its batch " + line.path("batch").asLong() + " is not in the segment");
      }
      if (index < 0 || index >= batch.batch().leafCount()
          || !MessageDigest.isEqual(record.leafHash(), batch.batch().leafHashes().get(index))) {
        throw new Invalid("record " + id + " does not hash to the leaf sealed for it in batch " + batch.batch().id());
      }
      records++;
      each.accept(new Archived(record, index, batch));
    }

    /** The counts and record range must be the manifest's. */
    void finish(JsonNode manifest) {
      if (records != manifest.path("records").asLong() || batches.size() != manifest.path("batches").asInt()) {
        throw new Invalid("it holds " + records + " records in " + batches.size() + " batches, the manifest says "
            + manifest.path("records").asLong() + " in " + manifest.path("batches").asInt());
      }
      if (records > 0 && (firstRecord != manifest.path("firstRecordId").asLong()
          || lastRecord != manifest.path("lastRecordId").asLong())) {
        throw new Invalid("its records run from " + firstRecord + " to " + lastRecord + ", not as the manifest says");
      }
    }

    List<SegmentBatch> batches() {
      return new ArrayList<>(batches.values());
    }
  }
}
