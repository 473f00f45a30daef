package org.itgc.logs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.web.BadRequestException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * The auditor's questions: who touched object X in a period, and what did person Y do; each event with its inclusion
 * proof (docs/logs.md), verified here against the batch root that the engine's audit trail carries. A record whose
 * stored content no longer hashes to its leaf, or a batch whose root differs from the audit event's, is answered with
 * {@code verified: false} and the reason. Every query is itself audited.
 */
@Service
public class LogQueries {

  private final LogStore store;
  private final LogArchive archive;
  private final LogCarriers carriers;
  private final AuditRecorder audit;
  private final ObjectMapper json;
  private final Clock clock;
  private final int max;

  LogQueries(LogStore store, LogArchive archive, LogCarriers carriers, AuditRecorder audit, ObjectMapper json,
      Clock clock, @Value("${itgc.logs.query-max:10000}") int max) {
    this.store = store;
    this.archive = archive;
    this.carriers = carriers;
    this.audit = audit;
    this.json = json;
    this.clock = clock;
    this.max = max;
  }

  /** An event as answered, with its proof. */
  public record Event(long id, String system, Instant occurredAt, Instant receivedAt, String actor, String action,
      boolean changes, String objectType, String objectId, JsonNode before, JsonNode after, String sourceAddress,
      String peerAddress, String protocol, String raw, String tier, Proof proof, boolean verified, String problem) {}

  /**
   * The inclusion proof of a record: its canonical bytes (base64) and leaf hash, its index in the batch, the batch's
   * size, the audit path (sibling hashes from the leaf up), the batch root, and the audit event that carries the root.
   */
  public record Proof(long batchId, String canonical, String leafHash, int leafIndex, int leafCount,
      List<String> auditPath, String root, AuditLink auditEvent) {}

  /**
   * The audit event that carries a batch's root ({@code sequence} as {@code GET /api/audit/events} names it), with
   * its link of the hash chain (null for the second or so before the audit sealer reaches it), and the tier of the
   * audit trail it was read from ({@code hot}, or {@code archive} once its month has left the hot tier).
   */
  public record AuditLink(long sequence, String action, String objectId, Long chainSeq, String hash, Object root,
      Object leafCount, String tier) {}

  public record Answer(Instant from, Instant to, int count, boolean allVerified, List<Event> events) {}

  public Answer byObject(String type, String id, Instant from, Instant to) {
    Answer answer = object(type, id, from, to);
    Instant[] period = {answer.from(), answer.to()};
    audit.record(AuditEvent.of("logs.query.object", "log-object", type + "/" + id)
        .detail("from", period[0].toString()).detail("to", period[1].toString()).detail("events", answer.count())
        .detail("allVerified", answer.allVerified()).build());
    return answer;
  }

  public Answer byActor(String actor, Instant from, Instant to) {
    Answer answer = actor(actor, from, to);
    Instant[] period = {answer.from(), answer.to()};
    audit.record(AuditEvent.of("logs.query.actor", "log-actor", actor)
        .detail("from", period[0].toString()).detail("to", period[1].toString()).detail("events", answer.count())
        .detail("allVerified", answer.allVerified()).build());
    return answer;
  }

  /**
   * The object's events of the period, hot and archived, with their proofs; not audited (the caller records what it
   * makes of them), except a refused archive segment.
   */
  Answer object(String type, String id, Instant from, Instant to) {
    Instant[] period = period(from, to);
    return answer(store.byObject(type, id, period[0], period[1], max + 1), archived("logs.query.object", "log-object",
        type + "/" + id, period, r -> type.equals(r.objectType()) && id.equals(r.objectId())), period);
  }

  /**
   * The person's events of the period, hot and archived, with their proofs; not audited (the caller records what it
   * makes of them), except a refused archive segment.
   */
  Answer actor(String actor, Instant from, Instant to) {
    Instant[] period = period(from, to);
    return answer(store.byActor(actor, period[0], period[1], max + 1), archived("logs.query.actor", "log-actor", actor,
        period, r -> actor.equals(r.actor())), period);
  }

  private Instant[] period(Instant from, Instant to) {
    Instant start = from == null ? LogMapper.EARLIEST : from;
    Instant end = to == null ? clock.instant().plus(LogMapper.MAX_AHEAD).plusSeconds(1) : to;
    if (!start.isBefore(end)) {
      throw new BadRequestException("to", "must be after from");
    }
    return new Instant[] {start, end};
  }

  /**
   * The matching records of the period's months that have left the hot tier, from their segments, each verified whole
   * first; a segment that fails is refused (audited) and nothing is answered.
   */
  private List<LogArchiveFormat.Archived> archived(String action, String objectType, String objectId, Instant[] period,
      java.util.function.Predicate<LogRecord> matches) {
    try {
      return archive.records(period[0], period[1], matches, max + 1);
    } catch (LogArchive.SegmentInvalid e) {
      audit.recordIndependently(AuditEvent.of(action, objectType, objectId).outcome(AuditEvent.Outcome.FAILURE)
          .detail("from", period[0].toString()).detail("to", period[1].toString()).detail("problem", e.getMessage())
          .build());
      throw e;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Answer answer(List<LogStore.Stored> rows, List<LogArchiveFormat.Archived> archivedRows, Instant[] period) {
    if (rows.size() + archivedRows.size() > max) {
      throw new BadRequestException("to", "the period holds more than " + max + " events: ask for a shorter one");
    }
    java.util.Set<Long> treeKept = new java.util.HashSet<>();
    Map<Long, LogStore.Batch> batches = store.batchHeads(rows.stream().map(LogStore.Stored::batchId)
        .filter(java.util.Objects::nonNull).collect(Collectors.toSet()), treeKept);
    Map<Long, PathNodes> paths = paths(rows, batches, treeKept);
    Map<Long, LogStore.Batch> all = new HashMap<>(batches);
    Map<Long, Long> chainSeqs = new HashMap<>();
    for (LogArchiveFormat.Archived a : archivedRows) {
      all.putIfAbsent(a.batch().batch().id(), a.batch().batch());
      chainSeqs.putIfAbsent(a.batch().batch().id(), a.batch().carrierChainSeq());
    }
    Map<Long, LogCarriers.Found> found = carriers.findAll(all.values(), chainSeqs);
    List<Event> events = new ArrayList<>();
    for (LogStore.Stored row : rows) {
      LogStore.Batch batch = row.batchId() == null ? null : batches.get(row.batchId());
      events.add(event(row.record(), row.batchId(), row.leafIndex(), batch, paths.get(row.record().id()),
          batch == null ? null : found.get(batch.id()), "hot"));
    }
    for (LogArchiveFormat.Archived a : archivedRows) {
      LogStore.Batch batch = a.batch().batch();
      events.add(event(a.record(), batch.id(), a.leafIndex(), batch, fromLeaves(batch.leaves(), batch.leafCount(),
          a.leafIndex()), found.get(batch.id()), "archive"));
    }
    events.sort(java.util.Comparator.comparing(Event::occurredAt).thenComparingLong(Event::id));
    return new Answer(period[0], period[1], events.size(), events.stream().allMatch(Event::verified), events);
  }

  /** A sealed record's leaf hash as its batch holds it, and its audit path from the leaf up. */
  private record PathNodes(byte[] storedLeaf, List<byte[]> path) {}

  /**
   * Per hot record in a batch, its stored leaf and audit path: read node by node from the batch's stored tree (one
   * query for the whole answer), or computed from the leaves of a batch sealed before trees were kept.
   */
  private Map<Long, PathNodes> paths(List<LogStore.Stored> rows, Map<Long, LogStore.Batch> batches,
      java.util.Set<Long> treeKept) {
    List<Long> batchIds = new ArrayList<>();
    List<Integer> nodes = new ArrayList<>();
    java.util.Set<Long> leavesNeeded = new java.util.HashSet<>();
    for (LogStore.Stored row : rows) {
      LogStore.Batch batch = row.batchId() == null ? null : batches.get(row.batchId());
      if (batch == null || row.leafIndex() >= batch.leafCount()) {
        continue;
      }
      if (treeKept.contains(batch.id())) {
        for (int node : Merkle.pathNodes(batch.leafCount(), row.leafIndex())) {
          batchIds.add(batch.id());
          nodes.add(node);
        }
      } else {
        leavesNeeded.add(batch.id());
      }
    }
    Map<Long, Map<Integer, byte[]>> stored = store.treeNodes(batchIds, nodes);
    Map<Long, byte[]> leaves = store.leaves(leavesNeeded);
    Map<Long, PathNodes> paths = new HashMap<>();
    for (LogStore.Stored row : rows) {
      LogStore.Batch batch = row.batchId() == null ? null : batches.get(row.batchId());
      if (batch == null || row.leafIndex() >= batch.leafCount()) {
        continue;
      }
      if (treeKept.contains(batch.id())) {
        int[] onPath = Merkle.pathNodes(batch.leafCount(), row.leafIndex());
        Map<Integer, byte[]> got = stored.getOrDefault(batch.id(), Map.of());
        List<byte[]> path = new ArrayList<>();
        for (int i = 0; i < onPath.length - 1; i++) {
          path.add(got.getOrDefault(onPath[i], new byte[32]));
        }
        paths.put(row.record().id(), new PathNodes(got.getOrDefault(onPath[onPath.length - 1], new byte[32]), path));
      } else {
        PathNodes computed = fromLeaves(leaves.get(batch.id()), batch.leafCount(), row.leafIndex());
        if (computed != null) {
          paths.put(row.record().id(), computed);
        }
      }
    }
    return paths;
  }

  /** The stored leaf and the audit path computed from a batch's leaf hashes; null when they are missing or cut. */
  private static PathNodes fromLeaves(byte[] all, int leafCount, int leafIndex) {
    if (all == null || all.length != 32 * leafCount || leafIndex < 0 || leafIndex >= leafCount) {
      return null;
    }
    List<byte[]> hashes = Merkle.split(all, leafCount);
    return new PathNodes(hashes.get(leafIndex), Merkle.path(hashes, leafIndex));
  }

  private Event event(LogRecord r, Long batchId, Integer leafIndex, LogStore.Batch batch, PathNodes nodes,
      LogCarriers.Found found, String tier) {
    Proof proof = null;
    String problem = null;
    if (batchId == null) {
      problem = "not sealed yet: the sealer takes it into a batch within seconds";
    } else if (batch == null) {
      problem = "its batch " + batchId + " is missing";
    } else {
      byte[] canonical = r.canonical();
      byte[] leaf = Merkle.leafHash(canonical);
      List<byte[]> path = nodes == null ? List.of() : nodes.path();
      byte[] root = Merkle.unhex(batch.root().strip());
      LogCarriers.Carrier c = found == null ? null : found.carrier();
      AuditLink link = c == null ? null : new AuditLink(c.sequence(), c.action(), c.objectId(), c.chainSeq(), c.hash(),
          c.root(), c.leafCount(), c.tier());
      proof = new Proof(batch.id(), Base64.getEncoder().encodeToString(canonical), Merkle.hex(leaf), leafIndex,
          batch.leafCount(), path.stream().map(Merkle::hex).toList(), batch.root().strip(), link);
      if (nodes == null) {
        problem = "batch " + batch.id() + " holds no leaf " + leafIndex + " (its hashes are missing or cut)";
      } else if (!Merkle.verify(leaf, leafIndex, batch.leafCount(), path, root)) {
        problem = !MessageDigest.isEqual(leaf, nodes.storedLeaf())
            ? "the record as stored does not hash to the leaf sealed in batch " + batch.id()
                + ": it was changed after sealing"
            : "the hashes stored with batch " + batch.id() + " do not lead from this record to the batch's root";
      } else if (link == null) {
        problem = "the audit event that carries batch " + batch.id() + "'s root is in neither the hot trail nor the "
            + "audit archive" + (found == null || found.problem() == null ? "" : ": " + found.problem());
      } else if (link.sequence() != batch.auditEventId() || !batch.root().strip().equals(String.valueOf(link.root()))
          || !String.valueOf(batch.leafCount()).equals(String.valueOf(link.leafCount()))) {
        problem = "batch " + batch.id() + "'s root or size differs from what its audit event carries";
      } else if (!MessageDigest.isEqual(leaf, nodes.storedLeaf())) {
        problem = "the stored leaf hash differs from the record's";
      }
    }
    return new Event(r.id(), r.system(), r.occurredAt(), r.receivedAt(), r.actor(), r.action(),
        LogAction.of(r.action()).map(LogAction::changes).orElse(false), r.objectType(), r.objectId(),
        parse(r.beforeJson()), parse(r.afterJson()), r.sourceAddress(), r.peerAddress(), r.protocol(),
        new String(r.raw(), StandardCharsets.UTF_8), tier, proof, problem == null, problem);
  }

  private JsonNode parse(String text) {
    if (text == null) {
      return null;
    }
    try {
      return json.readTree(text);
    } catch (JsonProcessingException e) {
      return com.fasterxml.jackson.databind.node.TextNode.valueOf(text);
    }
  }

  /** Per system (and the quarantine): what arrived, what was mapped, what is kept raw, when the last came. */
  public List<Map<String, Object>> sources(java.util.Set<String> configured) {
    Map<String, LogStore.Counts> counts = store.counts().stream()
        .collect(Collectors.toMap(LogStore.Counts::system, c -> c));
    List<String> systems = new ArrayList<>(new java.util.TreeSet<>(configured));
    counts.keySet().stream().filter(s -> !s.equals(LogStore.QUARANTINE) && !configured.contains(s)).sorted()
        .forEach(systems::add);
    List<Map<String, Object>> answer = new ArrayList<>();
    for (String system : systems) {
      answer.add(source(system, configured.contains(system), counts.get(system), store.rawRecords(system, 10)));
    }
    answer.add(source(null, false, counts.get(LogStore.QUARANTINE), store.rawRecords(null, 10)));
    audit.record(AuditEvent.of("logs.sources.read", "report", "log-sources").build());
    return answer;
  }

  private static Map<String, Object> source(String system, boolean mapped, LogStore.Counts c,
      List<LogRecord> raw) {
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("system", system == null ? "quarantine" : system);
    if (system != null) {
      source.put("mappingConfigured", mapped);
    }
    source.put("received", c == null ? 0 : c.received());
    if (system != null) {
      source.put("mapped", c == null ? 0 : c.mapped());
      source.put("unmapped", c == null ? 0 : c.unmapped());
    } else {
      source.put("quarantined", c == null ? 0 : c.quarantined());
    }
    source.put("lastReceivedAt", c == null ? null : c.lastReceivedAt());
    source.put("recentRaw", raw.stream().map(r -> {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("id", r.id());
      item.put("receivedAt", r.receivedAt());
      item.put("protocol", r.protocol());
      item.put("reason", r.reason());
      item.put("peerAddress", r.peerAddress());
      item.put("raw", new String(r.raw(), StandardCharsets.UTF_8));
      return item;
    }).toList());
    return source;
  }
}
