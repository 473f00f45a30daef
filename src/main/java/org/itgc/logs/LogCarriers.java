package org.itgc.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.itgc.audit.AuditArchive;
import org.itgc.audit.AuditTrail;
import org.itgc.audit.StoredAuditEvent;
import org.springframework.stereotype.Component;

/**
 * Finds the audit event that carries a batch's root ({@code logs.batch.seal}, object the batch): in the hot trail,
 * and once that event's month has left the hot tier, in the audit trail's archive, whose segment is verified whole
 * before the event is read from it (by the link's sequence when the logs' archive recorded it, else among the
 * segments of the day around the batch's sealing).
 */
@Component
class LogCarriers {

  /** How far from a batch's sealing its audit event is looked for in the audit archive. */
  private static final Duration AROUND = Duration.ofDays(1);

  /** The carrying event: its id ({@code sequence}), its link, the root and leaf count it carries, and its tier. */
  record Carrier(long sequence, String action, String objectId, Long chainSeq, String hash, Object root,
      Object leafCount, String tier) {}

  /** A carrier found, or why not (null: in neither tier). */
  record Found(Carrier carrier, String problem) {}

  private final AuditTrail trail;
  private final AuditArchive auditArchive;
  private final ObjectMapper json;

  LogCarriers(AuditTrail trail, AuditArchive auditArchive, ObjectMapper json) {
    this.trail = trail;
    this.auditArchive = auditArchive;
    this.json = json;
  }

  /** The carrier of the batch; {@code chainSeq}, when known, names its link for the archive's look-up. */
  Found find(LogStore.Batch batch, Long chainSeq) {
    var hot = trail.find(new AuditTrail.Query(null, LogSealer.SEAL_ACTION, LogSealer.BATCH_OBJECT,
        Long.toString(batch.id()), null, null, 0, 1)).stream().findFirst();
    if (hot.isPresent()) {
      var e = hot.get();
      return new Found(new Carrier(e.sequence(), e.action(), e.objectId(), e.chainSeq(), e.hash(),
          e.details().get("root"), e.details().get("leafCount"), "hot"), null);
    }
    return archived(batch, chainSeq);
  }

  /**
   * The carriers of many batches: those in the hot trail read in one query by the event ids the batches name (taken
   * only when the event seals that very batch), the others from the archive; {@code chainSeqs} names, per batch, the
   * link its logs segment recorded, when known.
   */
  Map<Long, Found> findAll(Collection<LogStore.Batch> batches, Map<Long, Long> chainSeqs) {
    Map<Long, StoredAuditEvent> hot = trail.byIds(batches.stream().map(LogStore.Batch::auditEventId)
        .collect(Collectors.toSet())).stream().collect(Collectors.toMap(StoredAuditEvent::sequence, e -> e));
    Map<Long, Found> found = new HashMap<>();
    for (LogStore.Batch batch : batches) {
      StoredAuditEvent e = hot.get(batch.auditEventId());
      if (e != null && LogSealer.SEAL_ACTION.equals(e.action()) && LogSealer.BATCH_OBJECT.equals(e.objectType())
          && Long.toString(batch.id()).equals(e.objectId())) {
        found.put(batch.id(), new Found(new Carrier(e.sequence(), e.action(), e.objectId(), e.chainSeq(), e.hash(),
            e.details().get("root"), e.details().get("leafCount"), "hot"), null));
      } else {
        found.put(batch.id(), find(batch, chainSeqs.get(batch.id())));
      }
    }
    return found;
  }

  /** The carrier from the audit trail's archive only. */
  Found archived(LogStore.Batch batch, Long chainSeq) {
    try {
      var found = auditArchive.archivedEvent(batch.auditEventId(), chainSeq, batch.sealedAt().minus(AROUND),
          batch.sealedAt().plus(AROUND));
      if (found.isEmpty()) {
        return new Found(null, null);
      }
      var e = found.get();
      if (!LogSealer.SEAL_ACTION.equals(e.action()) || !LogSealer.BATCH_OBJECT.equals(e.objectType())
          || !Long.toString(batch.id()).equals(e.objectId())) {
        return new Found(null, "audit event " + e.id() + " does not seal batch " + batch.id());
      }
      JsonNode details = json.readTree(e.details() == null ? "{}" : e.details());
      return new Found(new Carrier(e.id(), e.action(), e.objectId(), e.chainSeq(), e.hash(),
          details.path("root").isMissingNode() ? null : details.path("root").asText(),
          details.path("leafCount").isMissingNode() ? null : details.path("leafCount").asInt(), "archive"), null);
    } catch (AuditArchive.SegmentInvalid e) {
      return new Found(null, e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
