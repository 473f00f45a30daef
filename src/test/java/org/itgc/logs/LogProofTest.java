package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The offline verifier of docs/logs.md recomputes a batch's root from one record's proof, and a record changed after
 * sealing (a field, the raw bytes) or a proof with another index fails.
 */
class LogProofTest {

  private final ObjectMapper json = new ObjectMapper();

  private static LogRecord record(long id, String actor, String action, String after) {
    Instant t = Instant.parse("2026-12-04T09:15:30.123456Z");
    return new LogRecord(id, t.plusSeconds(id), t.plusSeconds(id + 1), "ERP-GL", "hec", LogRecord.Status.MAPPED, null,
        actor, action, "invoice", "AP-12345", after == null ? null : "{\"amount\":100}", after, "10.0.0.7",
        "127.0.0.1", ("{\"event\":{\"user\":\"" + actor + "\"}}").getBytes(StandardCharsets.UTF_8));
  }

  /** An event as the API answers it, with the proof of leaf {@code index} of the batch. */
  private ObjectNode answer(List<LogRecord> batch, int index, LogRecord shown) throws Exception {
    List<byte[]> leaves = batch.stream().map(LogRecord::leafHash).toList();
    LogRecord r = shown;
    ObjectNode event = json.createObjectNode();
    event.put("id", r.id()).put("system", r.system()).put("protocol", r.protocol())
        .put("receivedAt", r.receivedAt().toString()).put("occurredAt", r.occurredAt().toString())
        .put("actor", r.actor()).put("action", r.action()).put("objectType", r.objectType())
        .put("objectId", r.objectId()).put("sourceAddress", r.sourceAddress()).put("peerAddress", r.peerAddress())
        .put("raw", new String(r.raw(), StandardCharsets.UTF_8));
    event.set("before", r.beforeJson() == null ? null : json.readTree(r.beforeJson()));
    event.set("after", r.afterJson() == null ? null : json.readTree(r.afterJson()));
    ObjectNode proof = event.putObject("proof");
    proof.put("canonical", Base64.getEncoder().encodeToString(r.canonical()));
    proof.put("leafHash", Merkle.hex(r.leafHash()));
    proof.put("leafIndex", index).put("leafCount", batch.size());
    var path = proof.putArray("auditPath");
    Merkle.path(leaves, index).forEach(p -> path.add(Merkle.hex(p)));
    proof.put("root", Merkle.hex(Merkle.root(leaves)));
    return event;
  }

  @Test
  void theRootIsRecomputedFromEveryRecordsProof() throws Exception {
    List<LogRecord> batch = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      batch.add(record(100 + i, i % 2 == 0 ? "john" : "mary", i % 2 == 0 ? "read" : "update",
          i % 2 == 0 ? null : "{\"amount\":" + (200 + i) + "}"));
    }
    String root = Merkle.hex(Merkle.root(batch.stream().map(LogRecord::leafHash).toList()));
    for (int i = 0; i < batch.size(); i++) {
      assertThat(LogProofVerifier.check(answer(batch, i, batch.get(i)), root, 7)).as("record %d", i).isNull();
    }
  }

  @Test
  void aRecordChangedAfterSealingFailsItsProof() throws Exception {
    List<LogRecord> batch = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      batch.add(record(200 + i, "mary", "update", "{\"amount\":" + i + "}"));
    }
    String root = Merkle.hex(Merkle.root(batch.stream().map(LogRecord::leafHash).toList()));
    LogRecord sealed = batch.get(3);
    LogRecord changed = new LogRecord(sealed.id(), sealed.occurredAt(), sealed.receivedAt(), sealed.system(),
        sealed.protocol(), sealed.status(), null, "john", "read", sealed.objectType(), sealed.objectId(), null, null,
        sealed.sourceAddress(), sealed.peerAddress(), sealed.raw());
    assertThat(LogProofVerifier.check(answer(batch, 3, changed), root, 5)).contains("not to the batch root");

    // shown fields that the canonical bytes do not say
    JsonNode lying = answer(batch, 3, sealed);
    ((ObjectNode) lying).put("actor", "john");
    assertThat(LogProofVerifier.check(lying, root, 5)).contains("actor");

    // the proof of another place
    ObjectNode moved = answer(batch, 3, sealed);
    ((ObjectNode) moved.get("proof")).put("leafIndex", 2);
    assertThat(LogProofVerifier.check(moved, root, 5)).isNotNull();

    // a tree of another size in the trail
    assertThat(LogProofVerifier.check(answer(batch, 3, sealed), root, 6)).contains("leaves");

    // another root in the trail
    assertThat(LogProofVerifier.check(answer(batch, 3, sealed), "00".repeat(32), 5)).contains("audit trail");
  }
}
