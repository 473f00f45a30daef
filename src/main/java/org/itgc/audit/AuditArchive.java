package org.itgc.audit;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * The archive tier of the audit trail as it is read. A segment (written by {@link AuditArchiveWriter}) is a run of the
 * chain as gzip-compressed JSON lines with a signed manifest; nothing of a segment is used before the segment
 * verifies whole: the manifest's signature with a trusted key, the file's SHA-256, every link, and the bridge to the
 * signed checkpoint that covers it. Other capabilities read the archive here: the archived events of objects
 * ({@link #archivedEventsOf}, evidence packs) and the links of the chain, hot or archived ({@link #links}). The
 * quarterly restore test is {@link AuditArchiveRestoreTest}; the SQL is {@link AuditArchiveStore}'s.
 */
@Service
public class AuditArchive {

  /** A segment whose content fails verification: nothing of it is returned. */
  public static final class SegmentInvalid extends RuntimeException {
    SegmentInvalid(String label, String problem) {
      super("archive segment " + label + ": " + problem);
    }
  }

  /** A period holding more archived events than one answer carries. */
  public static final class TooMany extends RuntimeException {
    TooMany(int max) {
      super("the period holds more than " + max + " archived events: ask for a shorter period");
    }
  }

  /** A link of the chain as auditors re-check it (docs/audit-format.md): its content, not its event's columns. */
  @JsonPropertyOrder({"seq", "format", "prevHash", "hash", "canonical"})
  public record ChainLink(long seq, int format, String prevHash, String hash, String canonical) {

    /** The link as a map of the same JSON, for the chain files of evidence packs. */
    public Map<String, Object> asMap() {
      Map<String, Object> link = new LinkedHashMap<>();
      link.put("seq", seq);
      link.put("format", format);
      link.put("prevHash", prevHash);
      link.put("hash", hash);
      link.put("canonical", canonical);
      return link;
    }
  }

  private final AuditArchiveStore store;
  private final AuditSealer sealer;
  private final ObjectMapper json;
  private final Clock clock;
  private final AuditArchiveFiles files;
  private final int retrievalMax;

  AuditArchive(AuditArchiveStore store, AuditSealer sealer, ObjectMapper json, @Qualifier("auditTrailClock") Clock clock,
      AuditArchiveFiles files, @Value("${itgc.audit.archive-retrieval-max:100000}") int retrievalMax) {
    this.store = store;
    this.sealer = sealer;
    this.json = json;
    this.clock = clock;
    this.files = files;
    this.retrievalMax = retrievalMax;
  }

  /** The folder of the segment files (itgc.audit.archive-folder). */
  public Path folder() {
    return files.folder();
  }

  /**
   * The archived events of the period, from segments each verified whole first; a bad segment fails everything, and
   * so does a period of more than itgc.audit.archive-retrieval-max events (never a partial answer). Each event is the
   * segment file's line as it stands (docs/audit-format.md), so it stays a map.
   */
  public List<Map<String, Object>> retrieve(Instant from, Instant to) throws IOException {
    List<Map<String, Object>> events = new ArrayList<>();
    for (String label : store.liveLabelsOverlapping(from, to)) {
      verify(label, link -> {
        Instant at = Instant.parse(link.get("occurredAt").asText());
        if (!at.isBefore(from) && at.isBefore(to)) {
          if (events.size() == retrievalMax) {
            throw new TooMany(retrievalMax);
          }
          events.add(json.convertValue(link, Map.class));
        }
      });
    }
    return events;
  }

  /**
   * Checks a segment whole (signed manifest, the file's SHA-256, every link, the bridge to the signed checkpoint),
   * streaming it, and hands each link to {@code each} as it is read. It throws when anything fails, also after links
   * were handed over: a caller keeps what it collected only when this returns.
   */
  public void verify(String label, Consumer<JsonNode> each) throws IOException {
    JsonNode manifest;
    try {
      manifest = SignedManifest.verified(json, files.manifest(label), files.signature(label), sealer.trustedKeysById());
      SignedManifest.checkSha256(files.named(manifest.get("file").asText()), manifest.get("sha256").asText());
    } catch (SignedManifest.Invalid e) {
      throw new SegmentInvalid(label, e.getMessage());
    }
    Path segmentFile = files.named(manifest.get("file").asText());
    var state = new Object() {
      String previous;
      long expected = manifest.get("firstSeq").asLong();
      int links;

      void check(JsonNode link) {
        long seq = link.get("seq").asLong();
        if (seq != expected) {
          throw new SegmentInvalid(label, "sequence " + expected + " is missing");
        }
        if (previous != null && !previous.equals(link.get("prevHash").asText())) {
          throw new SegmentInvalid(label, "sequence " + seq + " does not follow the one before");
        }
        if (!AuditChain.hash(link).equals(link.get("hash").asText())) {
          throw new SegmentInvalid(label, "sequence " + seq + ": the hash does not match its content");
        }
        previous = link.get("hash").asText();
        expected++;
      }
    };
    // the file is read twice (hash, then content), each pass streaming: a segment of any size fits in memory
    readLinks(segmentFile, link -> {
      state.check(link);
      state.links++;
      each.accept(link);
    });
    if (state.links != manifest.get("events").asInt() || state.expected - 1 < manifest.get("lastSeq").asLong()) {
      throw new SegmentInvalid(label, "it holds " + state.links + " events, the manifest says " + manifest.get("events").asInt());
    }
    manifest.path("bridge").forEach(state::check);
    JsonNode checkpoint = manifest.get("checkpoint");
    if (checkpoint.get("seq").asLong() != state.expected - 1 || !checkpoint.get("headHash").asText().equals(state.previous)
        || !sealer.trustedKeysById().containsKey(checkpoint.path("keyId").asText())
        || !AuditSigningKey.verify(sealer.trustedKeysById().get(checkpoint.path("keyId").asText()),
            AuditChain.checkpointText(checkpoint.get("seq").asLong(),
            checkpoint.get("headHash").asText(), checkpoint.get("createdAt").asText()), checkpoint.get("signature").asText())) {
      throw new SegmentInvalid(label, "the chain does not reach its signed checkpoint " + checkpoint.get("seq").asLong());
    }
  }

  /** The manifest of a segment, unchecked (a caller that needs it checked verifies the segment first). */
  JsonNode manifest(String label) throws IOException {
    return json.readTree(files.manifest(label).toFile());
  }

  /** Each link of a segment file (gzip-compressed JSON lines), streaming, in file order, unchecked. */
  void readLinks(Path segmentFile, Consumer<JsonNode> each) throws IOException {
    ArchiveFolder.readJsonLines(json, segmentFile, each);
  }

  /**
   * The archived events of the given objects that have left the hot tier (they occurred before its oldest month), from
   * segments verified whole, at most perObject each, oldest first; empty when {@code from} is within the hot tier.
   * Each event is its segment file's line.
   */
  public Map<String, List<JsonNode>> archivedEventsOf(java.util.Set<String> objectIds, Instant from, int perObject)
      throws IOException {
    Map<String, List<JsonNode>> found = new LinkedHashMap<>();
    List<YearMonth> hot = store.hotMonths();
    Instant hotStart = hot.isEmpty() ? clock.instant() : hot.get(0).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    if (objectIds.isEmpty() || !from.isBefore(hotStart)) {
      return found;
    }
    for (String label : store.liveLabelsOverlapping(from, hotStart)) {
      verify(label, link -> {
        String objectId = link.path("objectId").asText(null);
        if (objectId != null && objectIds.contains(objectId)
            && Instant.parse(link.get("occurredAt").asText()).isBefore(hotStart)) {
          List<JsonNode> links = found.computeIfAbsent(objectId, k -> new ArrayList<>());
          if (links.size() < perObject) {
            links.add(link);
          }
        }
      });
    }
    return found;
  }

  /**
   * An event of the trail that has left the hot tier, read back from the archive: its id, its link (sequence and hash)
   * and its fields as the link's hash covers them (from the canonical text, not the file's convenience columns).
   */
  public record ArchivedEvent(long id, long chainSeq, String hash, String occurredAt, String action, String objectType,
      String objectId, String details) {}

  /**
   * The archived event with this id, from the segment that holds link {@code chainSeq} when it is known, else from the
   * segments holding events of [from, to); each segment is verified whole before use (a bad one throws
   * {@link SegmentInvalid}). Empty when no live segment holds it.
   */
  public java.util.Optional<ArchivedEvent> archivedEvent(long eventId, Long chainSeq, Instant from, Instant to)
      throws IOException {
    List<String> labels = chainSeq != null ? store.liveLabelsHoldingSeqs(chainSeq, chainSeq)
        : store.liveLabelsOverlapping(from, to);
    ArchivedEvent[] found = {null};
    for (String label : labels) {
      verify(label, link -> {
        if (chainSeq != null && link.get("seq").asLong() != chainSeq) {
          return;
        }
        String[] fields = AuditChain.fields(link.path("format").asInt(1), link.get("canonical").asText());
        if (found[0] == null && String.valueOf(eventId).equals(fields[0])) {
          found[0] = new ArchivedEvent(eventId, link.get("seq").asLong(), link.get("hash").asText(), fields[1],
              fields[5], fields[6], fields[7], fields[9]);
        }
      });
      if (found[0] != null) {
        break;
      }
    }
    return java.util.Optional.ofNullable(found[0]);
  }

  /**
   * The links of the chain from lo to hi: from the hot chain, and where they have left it, from the archive's
   * segments, each verified whole before use. Throws when one is in neither.
   */
  public List<ChainLink> chainLinks(long lo, long hi) throws IOException {
    TreeMap<Long, ChainLink> found = new TreeMap<>();
    store.hotLinks(lo, hi).forEach(link -> found.put(link.seq(), link));
    if (found.size() < hi - lo + 1) {
      for (String label : store.liveLabelsHoldingSeqs(lo, hi)) {
        verify(label, link -> {
          long seq = link.get("seq").asLong();
          if (seq >= lo && seq <= hi && !found.containsKey(seq)) {
            found.put(seq, new ChainLink(seq, link.path("format").asInt(1), link.get("prevHash").asText(),
                link.get("hash").asText(), link.get("canonical").asText()));
          }
        });
      }
    }
    if (found.size() < hi - lo + 1) {
      throw new IllegalStateException("links " + lo + ".." + hi + " of the audit chain are neither hot nor archived");
    }
    return new ArrayList<>(found.values());
  }

  /** {@link #chainLinks} as maps (seq, format, prevHash, hash, canonical), for the chain files of evidence packs. */
  public List<Map<String, Object>> links(long lo, long hi) throws IOException {
    return chainLinks(lo, hi).stream().map(ChainLink::asMap).toList();
  }
}
