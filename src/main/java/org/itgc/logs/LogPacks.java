package org.itgc.logs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.controls.SignedPacks;
import org.springframework.stereotype.Service;

/**
 * The evidence pack of one object or one person over a period (docs/logs.md, "Evidence packs"): a ZIP with the events
 * and their inclusion proofs ({@code events.json}), the audit events that carry their batches' roots
 * ({@code batches.json}), the hash chain from those audit events up to signed checkpoints, the public key and a signed
 * manifest, built and signed as the controls' evidence packs are ({@link SignedPacks}). Not stored: made on request,
 * and audited with its SHA-256.
 */
@Service
public class LogPacks {

  private final LogQueries queries;
  private final SignedPacks signed;
  private final AuditRecorder audit;
  private final ObjectMapper json;
  private final Clock clock;

  LogPacks(LogQueries queries, SignedPacks signed, AuditRecorder audit, ObjectMapper json, Clock clock) {
    this.queries = queries;
    this.signed = signed;
    this.audit = audit;
    this.json = json;
    this.clock = clock;
  }

  /** A made pack: its id, file name, the ZIP, its SHA-256, and how many events it holds, how many verify. */
  public record Pack(String id, String fileName, byte[] zip, String sha256, int events, boolean allVerified) {}

  /** Everything that touched object {@code type}/{@code id} in [from, to). */
  public Pack ofObject(String type, String id, Instant from, Instant to, String actor) {
    Map<String, Object> subject = new LinkedHashMap<>();
    subject.put("kind", "object");
    subject.put("objectType", type);
    subject.put("objectId", id);
    return make("object", subject, type + "/" + id, () -> queries.object(type, id, from, to), actor,
        "logs-object-" + type + "-" + id);
  }

  /** Everything person {@code person} did in [from, to). */
  public Pack ofActor(String person, Instant from, Instant to, String actor) {
    Map<String, Object> subject = new LinkedHashMap<>();
    subject.put("kind", "actor");
    subject.put("actor", person);
    return make("actor", subject, person, () -> queries.actor(person, from, to), actor, "logs-actor-" + person);
  }

  private Pack make(String kind, Map<String, Object> subject, String objectId, Supplier<LogQueries.Answer> query,
      String actor, String name) {
    LogQueries.Answer answer = query.get();
    // every batch root's audit event chained, and a checkpoint signed at the head that covers it
    signed.checkpointNow();
    if (answer.events().stream().anyMatch(e -> e.proof() != null
        && (e.proof().auditEvent() == null || e.proof().auditEvent().chainSeq() == null))) {
      answer = query.get();
    }
    Instant now = clock.instant();
    String id = "LP-" + now.toEpochMilli();
    try {
      Map<String, byte[]> files = new TreeMap<>();
      Map<String, Object> events = new LinkedHashMap<>();
      events.put("subject", subject);
      events.put("from", answer.from());
      events.put("to", answer.to());
      events.put("count", answer.count());
      events.put("allVerified", answer.allVerified());
      events.put("events", answer.events());
      files.put("events.json", json.writerWithDefaultPrettyPrinter().writeValueAsBytes(events));

      Map<Long, Map<String, Object>> batches = new TreeMap<>();
      List<Long> chained = new ArrayList<>();
      for (LogQueries.Event event : answer.events()) {
        LogQueries.Proof proof = event.proof();
        if (proof == null || batches.containsKey(proof.batchId())) {
          continue;
        }
        Map<String, Object> batch = new LinkedHashMap<>();
        batch.put("batchId", proof.batchId());
        batch.put("system", event.system());
        batch.put("root", proof.root());
        batch.put("leafCount", proof.leafCount());
        LogQueries.AuditLink link = proof.auditEvent();
        Map<String, Object> carrier = new LinkedHashMap<>();
        if (link != null) {
          carrier.put("sequence", link.sequence());
          carrier.put("chainSeq", link.chainSeq());
          carrier.put("hash", link.hash());
          carrier.put("action", link.action());
          carrier.put("objectType", LogSealer.BATCH_OBJECT);
          carrier.put("objectId", link.objectId());
          carrier.put("root", link.root());
          carrier.put("leafCount", link.leafCount());
          if (link.chainSeq() != null) {
            chained.add(link.chainSeq());
          }
        }
        batch.put("auditEvent", link == null ? null : carrier);
        batches.put(proof.batchId(), batch);
      }
      files.put("batches.json", json.writerWithDefaultPrettyPrinter().writeValueAsBytes(batches.values()));
      signed.addChain(files, chained);
      files.put("README.txt", readme(kind, objectId, answer).getBytes(StandardCharsets.UTF_8));

      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("pack", id);
      manifest.put("format", "itgc-log-pack/1");
      manifest.put("subject", subject);
      manifest.put("from", answer.from().toString());
      manifest.put("to", answer.to().toString());
      manifest.put("events", answer.count());
      manifest.put("createdAt", now.toString());
      manifest.put("createdBy", actor);
      byte[] zip = signed.sign(files, manifest);
      String digest = org.itgc.platform.Hashes.sha256(zip);
      audit.record(AuditEvent.of("logs.pack." + kind, "log-" + kind, objectId).actor(actor, null)
          .detail("pack", id).detail("from", answer.from().toString()).detail("to", answer.to().toString())
          .detail("events", answer.count()).detail("allVerified", answer.allVerified()).detail("sha256", digest)
          .build());
      String fileName = (name + "-" + answer.from() + "-" + answer.to()).replaceAll("[^A-Za-z0-9._-]", "_") + ".zip";
      return new Pack(id, fileName, zip, digest, answer.count(), answer.allVerified());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String readme(String kind, String subject, LogQueries.Answer answer) {
    long unverified = answer.events().stream().filter(e -> !e.verified()).count();
    return """
        Evidence pack of the financial systems' logs: every event of %s %s in [%s, %s)
        %d event(s)%s

        events.json                   the events as GET /api/logs/%ss/... answers them, each with its inclusion proof
        batches.json                  the batches they were sealed in, and the audit event that carries each root
        chain/segments.jsonl          the hash chain from those audit events to the signed checkpoints that cover them
        chain/checkpoints.json        those checkpoints, signed with the audit key (Ed25519)
        public-key.pem                the audit key's public half; compare its fingerprint with the one you pinned
        manifest.json / manifest.sig  the SHA-256 of every file, signed with the same key

        Verify it without the engine as docs/logs.md ("Evidence packs of one object or one person") describes: the
        manifest's signature and hashes; every link of the chain and every checkpoint's signature; every batch's audit
        event in the verified chain, its root and size read from the link's own content; every event's proof from its
        canonical bytes to that root.
        """.formatted(kind, subject, answer.from(), answer.to(), answer.count(),
        unverified == 0 ? ", all verified by the engine" : ", " + unverified + " NOT verified by the engine (see "
            + "each event's problem)", kind);
  }
}
