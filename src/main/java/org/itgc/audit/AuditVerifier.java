package org.itgc.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * Verifies the audit trail of a database against the checkpoints published outside it: every sequence number
 * present once and in order, every sealed event present and unchanged (its hash recomputed from its content and the
 * previous hash), no event left outside the chain that the sealer has passed, every checkpoint's Ed25519 signature
 * valid, and the chain's hash at each checkpoint equal to the signed head hash (a truncated tail or a consistent
 * rewrite without the key is caught there). Reports the first bad sequence number and what is wrong.
 *
 * <p>When months have left the hot tier, the newest signed retention record in the checkpoint folder says where the
 * hot chain starts (the first sequence and the hash before it) and gives the links of removed events that were
 * sealed after it (an event that committed late into a month already partly archived); without a valid record the
 * chain must start at sequence 1.
 *
 * <p>All reads share one snapshot (exported by the first connection), and the chain is read in ranges by as many
 * connections as there are processors; the ranges are stitched by their boundary hashes.
 */
public final class AuditVerifier {

  /** The verdict. */
  public record Result(boolean ok, long eventsVerified, int checkpointsVerified, Long firstBadSequence, String problem) {
    static Result bad(long verified, int checkpoints, long seq, String problem) {
      return new Result(false, verified, checkpoints, seq, problem);
    }
  }

  /** A link as the chain stores it; for a removed event only its hashes (from a signed retention record). */
  record Link(long seq, String prevHash, String hash) {}

  /** Where the hot chain starts and the links of removed events after that start. */
  record Start(long seq, String prevHash, Map<Long, Link> holes, String record) {
    static final Start GENESIS = new Start(1, AuditChain.GENESIS, Map.of(), null);
  }

  private static final int FETCH = 10_000;
  /** Events read ahead of their links at most (an event committed late waits for its link). */
  private static final int MAX_AHEAD = 2_000_000;

  private AuditVerifier() {}

  /**
   * Verifies the chain against the checkpoints in {@code checkpointFolder}, trusting only the public keys whose
   * fingerprints ({@link AuditSigningKey#fingerprint}) are given: a key file dropped into the folder by someone else
   * changes nothing, and anything it signed does not verify.
   */
  public static Result verify(DataSource database, Path checkpointFolder, java.util.Set<String> trustedFingerprints)
      throws IOException {
    if (trustedFingerprints.isEmpty()) {
      return new Result(false, 0, 0, null, "no trusted key fingerprint was given: pin the audit key's fingerprint");
    }
    Map<String, PublicKey> keys = new HashMap<>();
    Map<String, PublicKey> published = new HashMap<>();
    List<JsonNode> rotations = new ArrayList<>();
    TreeMap<Long, JsonNode> checkpoints = new TreeMap<>();
    List<JsonNode> retentionRecords = new ArrayList<>();
    var json = new ObjectMapper();
    if (Files.isDirectory(checkpointFolder)) {
      try (Stream<Path> files = Files.list(checkpointFolder)) {
        for (Path file : files.sorted().toList()) {
          String name = file.getFileName().toString();
          if (name.startsWith("public-key-") && name.endsWith(".pem")) {
            try {
              PublicKey key = AuditSigningKey.readPublic(file);
              published.put(AuditSigningKey.fingerprint(key), key);
            } catch (GeneralSecurityException e) {
              return new Result(false, 0, 0, null, "public key " + name + " cannot be read: " + e.getMessage());
            }
          } else if (name.startsWith(AuditSealer.ROTATION_PREFIX) && name.endsWith(".json")) {
            rotations.add(json.readTree(file.toFile()));
          } else if (name.startsWith("checkpoint-") && name.endsWith(".json")) {
            JsonNode checkpoint = json.readTree(file.toFile());
            checkpoints.put(checkpoint.get("seq").asLong(), checkpoint);
          } else if (name.startsWith(AuditRetention.RECORD_PREFIX) && name.endsWith(".json")) {
            retentionRecords.add(json.readTree(file.toFile()));
          }
        }
      }
    }
    for (var trusted : trustedKeys(trustedFingerprints, published, rotations).entrySet()) {
      keys.put(trusted.getKey().substring(0, 16), trusted.getValue());
    }
    Start start = Start.GENESIS;
    // the newest record wins: the latest month removed (records are named by month, read in order)
    for (JsonNode record : retentionRecords) {
      PublicKey key = keys.get(record.path("keyId").asText());
      if (key == null || !AuditSigningKey.verify(key, AuditRetention.signedText(record), record.path("signature").asText())) {
        return new Result(false, 0, 0, record.path("startSeq").asLong(), "the retention record of "
            + record.path("month").asText() + " is not validly signed");
      }
      if (record.get("startSeq").asLong() >= start.seq()) {
        Map<Long, Link> holes = new HashMap<>();
        record.path("holes").forEach(h -> holes.put(h.get("seq").asLong(),
            new Link(h.get("seq").asLong(), h.get("prevHash").asText(), h.get("hash").asText())));
        start = new Start(record.get("startSeq").asLong(), record.get("startPrevHash").asText(), holes,
            record.get("month").asText());
      }
    }
    try {
      return verify(database, start, checkpoints, keys);
    } catch (SQLException | InterruptedException | ExecutionException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("the audit trail could not be read: " + e.getMessage(), e);
    }
  }

  /**
   * The keys trusted: the pinned fingerprints' keys (from the published public key files), then every key that a
   * trusted key handed over to by a key rotation record it signed ({@code itgc-audit-key-rotation/1}), until no more
   * follow. Keyed by fingerprint. A key file nobody trusted signed over is ignored.
   */
  static Map<String, PublicKey> trustedKeys(java.util.Set<String> pinned, Map<String, PublicKey> published,
      List<JsonNode> rotations) {
    Map<String, PublicKey> trusted = new HashMap<>();
    pinned.forEach(fingerprint -> {
      if (published.containsKey(fingerprint)) {
        trusted.put(fingerprint, published.get(fingerprint));
      }
    });
    boolean more = true;
    while (more) {
      more = false;
      for (JsonNode rotation : rotations) {
        String previous = rotation.path("previousFingerprint").asText();
        String next = rotation.path("nextFingerprint").asText();
        if (!trusted.containsKey(previous) || trusted.containsKey(next)) {
          continue;
        }
        try {
          PublicKey nextKey = AuditSigningKey.parsePublic(rotation.path("nextPublicKey").asText());
          if (AuditSigningKey.fingerprint(nextKey).equals(next) && AuditSigningKey.verify(trusted.get(previous),
              AuditChain.rotationText(previous, next, rotation.path("rotatedAt").asText()),
              rotation.path("signature").asText())) {
            trusted.put(next, nextKey);
            more = true;
          }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
          // an unreadable record hands over nothing
        }
      }
    }
    return trusted;
  }

  private static Result verify(DataSource database, Start start, TreeMap<Long, JsonNode> checkpoints,
      Map<String, PublicKey> keys) throws SQLException, InterruptedException, ExecutionException {
    try (Connection first = database.getConnection()) {
      first.setAutoCommit(false);
      String snapshot;
      long maxSeq;
      long watermark;
      try (var statement = first.createStatement()) {
        statement.execute("set transaction isolation level repeatable read, read only");
        try (var rs = statement.executeQuery("select pg_export_snapshot(), coalesce((select max(seq) from audit_chain), 0), "
            + "(select txid from audit_seal_watermark where id = 1)")) {
          rs.next();
          snapshot = rs.getString(1);
          maxSeq = rs.getLong(2);
          watermark = rs.getLong(3);
        }
      }
      // ranges of the chain, one reader each, on the same snapshot
      int readers = maxSeq - start.seq() < 200_000 ? 1 : Math.max(1, Runtime.getRuntime().availableProcessors());
      long span = Math.max(1, (maxSeq - start.seq() + 1 + readers - 1) / readers);
      var pool = Executors.newFixedThreadPool(readers);
      List<Future<Range>> futures = new ArrayList<>();
      try {
        for (int r = 0; r < readers; r++) {
          long from = start.seq() + r * span;
          long to = r == readers - 1 ? Math.max(maxSeq, from - 1) : Math.min(maxSeq, from + span - 1);
          boolean firstRange = r == 0;
          futures.add(pool.submit(() -> readRange(database, snapshot, from, to, firstRange ? start.prevHash() : null,
              start.holes(), checkpoints)));
        }
        List<Range> ranges = new ArrayList<>();
        for (var future : futures) {
          ranges.add(future.get());
        }
        return judge(first, start, ranges, checkpoints, keys, watermark);
      } finally {
        pool.shutdownNow();
        first.rollback();
      }
    }
  }

  /** What a reader found in its range. */
  record Range(long from, long to, String entryPrevHash, String lastHash, long verified, long maxEventId,
      Map<Long, String> hashAt, Long badSeq, String problem, int firstFormat, int lastFormat) {}

  private static Range readRange(DataSource database, String snapshot, long from, long to, String knownPrevious,
      Map<Long, Link> holes, TreeMap<Long, JsonNode> checkpoints) throws SQLException {
    try (Connection connection = database.getConnection()) {
      connection.setAutoCommit(false);
      try (var statement = connection.createStatement()) {
        statement.execute("set transaction isolation level repeatable read, read only");
        statement.execute("set transaction snapshot '" + snapshot + "'");
      }
      var state = new Object() {
        long expected = from;
        String previous = knownPrevious;
        String entry = knownPrevious;
        long verified;
        long maxEvent;
        Long badSeq;
        String problem;
        int firstFormat;
        int lastFormat = 1;
        final Map<Long, String> hashAt = new HashMap<>();

        boolean link(Link link) {
          if (previous == null) {
            entry = link.prevHash();
          } else if (!previous.equals(link.prevHash())) {
            return fail(link.seq(), "sequence " + link.seq() + " does not link to the hash of sequence " + (link.seq() - 1));
          }
          previous = link.hash();
          if (checkpoints.containsKey(link.seq())) {
            hashAt.put(link.seq(), link.hash());
          }
          expected++;
          return true;
        }

        /** Links of removed events up to (not including) seq. */
        boolean holesBefore(long seq) {
          while (expected < seq && holes.containsKey(expected)) {
            if (!link(holes.get(expected))) {
              return false;
            }
          }
          return true;
        }

        boolean fail(long seq, String what) {
          badSeq = seq;
          problem = what;
          return false;
        }
      };
      // The links (in sequence order) and their events (in id order) are read as two streams on the same snapshot and
      // matched here: the sealer chains events in id order, so an event is read shortly before its link needs it (one
      // committed late waits in the map). This reads each table once instead of probing the events' index per link.
      long firstEvent = 0;
      long lastEvent = -1;
      try (var bounds = connection.prepareStatement("select min(event_id), max(event_id) from audit_chain "
          + "where seq between ? and ?")) {
        bounds.setLong(1, from);
        bounds.setLong(2, to);
        try (var rs = bounds.executeQuery()) {
          if (rs.next() && rs.getObject(1) != null) {
            firstEvent = rs.getLong(1);
            lastEvent = rs.getLong(2);
          }
        }
      }
      try (var links = connection.prepareStatement("select seq, event_id, prev_hash, hash, format from audit_chain "
              + "where seq between ? and ? order by seq");
           var events = connection.prepareStatement("select " + AuditChain.EVENT_COLUMNS + " from audit_event e "
              + "where e.id between ? and ? order by e.id")) {
        links.setFetchSize(FETCH);
        links.setLong(1, from);
        links.setLong(2, to);
        events.setFetchSize(FETCH);
        events.setLong(1, firstEvent);
        events.setLong(2, lastEvent);
        try (var rs = links.executeQuery(); var ev = events.executeQuery()) {
          Map<Long, AuditChain.Row> ahead = new HashMap<>();
          long lastRead = Long.MIN_VALUE;
          boolean more = true;
          while (state.problem == null && rs.next()) {
            long seq = rs.getLong("seq");
            if (!state.holesBefore(seq)) {
              break;
            }
            if (seq != state.expected) {
              state.fail(Math.min(seq, state.expected), seq < state.expected ? "sequence " + seq + " appears more than once"
                  : "sequence " + state.expected + " is missing (the chain continues at " + seq + ")");
              break;
            }
            long eventId = rs.getLong("event_id");
            while (!ahead.containsKey(eventId) && more && lastRead < eventId) {
              if (ev.next()) {
                lastRead = ev.getLong("id");
                ahead.put(lastRead, AuditChain.Row.of(ev));
                if (ahead.size() > MAX_AHEAD) {
                  state.fail(seq, "more than " + MAX_AHEAD + " events wait for their links: the chain's order is far from "
                      + "the order of the events");
                  break;
                }
              } else {
                more = false;
              }
            }
            if (state.problem != null) {
              break;
            }
            AuditChain.Row row = ahead.remove(eventId);
            if (row == null) {
              state.fail(seq, "the event of sequence " + seq + " (event " + eventId + ") is missing");
              break;
            }
            String prevHash = rs.getString("prev_hash");
            int format = rs.getInt("format");
            if (format < state.lastFormat) {
              state.fail(seq, "sequence " + seq + " is sealed in format " + format + " after links of format "
                  + state.lastFormat + ": a chain never goes back to an older format");
              break;
            }
            if (state.firstFormat == 0) {
              state.firstFormat = format;
            }
            state.lastFormat = format;
            String recomputed = AuditChain.hash(format, prevHash, seq, row.canonical(format));
            if (!recomputed.equals(rs.getString("hash"))) {
              state.fail(seq, "the content of sequence " + seq + " (event " + eventId
                  + ") does not match its hash: the event was changed or moved");
              break;
            }
            Link hole = holes.get(seq);
            if (hole != null && !hole.hash().equals(recomputed)) {
              state.fail(seq, "sequence " + seq + " differs from the signed retention record");
              break;
            }
            if (!state.link(new Link(seq, prevHash, recomputed))) {
              break;
            }
            state.verified++;
            state.maxEvent = Math.max(state.maxEvent, eventId);
          }
        }
      }
      if (state.problem == null) {
        state.holesBefore(to + 1);
      }
      connection.rollback();
      return new Range(from, state.expected - 1, state.entry, state.previous, state.verified, state.maxEvent,
          state.hashAt, state.badSeq, state.problem, state.firstFormat, state.lastFormat);
    }
  }

  private static Result judge(Connection connection, Start start, List<Range> ranges,
      TreeMap<Long, JsonNode> checkpoints, Map<String, PublicKey> keys, long watermark) throws SQLException {
    long verified = 0;
    long end = start.seq() - 1;
    String previous = start.prevHash();
    long maxEvent = 0;
    Map<Long, String> hashAt = new HashMap<>();
    int format = 1;
    ranges.sort(Comparator.comparingLong(Range::from));
    for (Range range : ranges) {
      if (range.from() > range.to() && range.problem() == null) {
        continue;
      }
      if (range.firstFormat() != 0 && range.firstFormat() < format) {
        return Result.bad(verified, 0, range.from(), "sequence " + range.from() + " is sealed in format "
            + range.firstFormat() + " after links of format " + format + ": a chain never goes back to an older format");
      }
      format = Math.max(format, range.lastFormat());
      if (range.from() != end + 1) {
        return Result.bad(verified, 0, end + 1, "sequence " + (end + 1) + " is missing (the chain continues at "
            + range.from() + ")");
      }
      if (range.entryPrevHash() != null && !range.entryPrevHash().equals(previous)) {
        return Result.bad(verified, 0, range.from(), "sequence " + range.from() + " does not link to the hash of sequence "
            + (range.from() - 1));
      }
      verified += range.verified();
      if (range.problem() != null) {
        return Result.bad(verified, 0, range.badSeq(), range.problem());
      }
      end = range.to();
      previous = range.lastHash() == null ? previous : range.lastHash();
      maxEvent = Math.max(maxEvent, range.maxEventId());
      hashAt.putAll(range.hashAt());
    }
    String stray = stray(connection, verified, maxEvent, watermark);
    if (stray != null) {
      return Result.bad(verified, 0, end + 1, stray);
    }
    int checked = 0;
    for (var entry : checkpoints.entrySet()) {
      long seq = entry.getKey();
      JsonNode checkpoint = entry.getValue();
      PublicKey key = keys.get(checkpoint.get("keyId").asText());
      String text = AuditChain.checkpointText(seq, checkpoint.get("headHash").asText(), checkpoint.get("createdAt").asText());
      if (key == null || !AuditSigningKey.verify(key, text, checkpoint.get("signature").asText())) {
        return Result.bad(verified, checked, seq, "the signature of checkpoint " + seq + " is not valid"
            + (key == null ? " (its key " + checkpoint.get("keyId").asText() + " is not a trusted key)" : ""));
      }
      if (seq < start.seq()) {
        continue; // its events are archived: the archive's segments are verified against it
      }
      if (seq > end) {
        return Result.bad(verified, checked, end + 1, "checkpoint " + seq + " is beyond the end of the chain ("
            + end + "): events were removed from its tail");
      }
      if (!checkpoint.get("headHash").asText().equals(hashAt.get(seq))) {
        return Result.bad(verified, checked, seq, "the chain's hash at sequence " + seq
            + " differs from the signed checkpoint: the chain was rewritten");
      }
      checked++;
    }
    return new Result(true, verified, checked, null, null);
  }

  /**
   * An event outside the chain that the sealer has passed (its transaction older than the sealer's watermark, or its id
   * below a sealed one): it was inserted afterwards. Counted first (one pass over the event index); only when the
   * count shows one is the anti-join run to name it.
   */
  private static String stray(Connection connection, long verified, long maxSealedEvent, long watermark) throws SQLException {
    long events;
    long pending;
    try (var statement = connection.prepareStatement("select (select count(*) from audit_event), (select count(*) "
        + "from audit_event e where e.txid >= ? and e.id > ? and not exists (select 1 from audit_chain c "
        + "where c.event_id = e.id and c.occurred_at = e.occurred_at))")) {
      statement.setLong(1, watermark);
      statement.setLong(2, maxSealedEvent);
      try (var rs = statement.executeQuery()) {
        rs.next();
        events = rs.getLong(1);
        pending = rs.getLong(2);
      }
    }
    if (events <= verified + pending) {
      return null;
    }
    try (var statement = connection.prepareStatement("select e.id from audit_event e where not exists (select 1 from "
        + "audit_chain c where c.event_id = e.id and c.occurred_at = e.occurred_at) and (e.txid < ? or e.id < ?) "
        + "order by e.id limit 1")) {
      statement.setLong(1, watermark);
      statement.setLong(2, maxSealedEvent);
      try (var rs = statement.executeQuery()) {
        return rs.next() ? "event " + rs.getLong(1) + " is older than sealed events but not in the chain: it was inserted "
            + "afterwards" : (events - verified - pending) + " events are stored twice or outside the chain";
      }
    }
  }

  /**
   * Command line, for auditors and operators without the API: JDBC_URL USER PASSWORD CHECKPOINT_FOLDER
   * TRUSTED_KEY_FINGERPRINT[,...] (the fingerprints pinned from GET /api/audit/signing-key). Prints the
   * verdict; exit code 0 when the trail verifies, 1 when it does not, 2 for wrong arguments.
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out));
  }

  public static int run(String[] args, java.io.PrintStream out) {
    if (args.length != 5) {
      out.println("usage: AuditVerifier JDBC_URL USER PASSWORD CHECKPOINT_FOLDER TRUSTED_KEY_FINGERPRINT[,...]");
      return 2;
    }
    var database = new org.postgresql.ds.PGSimpleDataSource();
    database.setUrl(args[0]);
    database.setUser(args[1]);
    database.setPassword(args[2]);
    try {
      var pinned = java.util.Set.of(args[4].toLowerCase(java.util.Locale.ROOT).split(","));
      Result result = verify(database, Path.of(args[3]), pinned);
      // an event that committed after later ones were sealed is taken by the running sealer within seconds: look again
      for (int attempt = 0; attempt < 2 && !result.ok() && result.problem() != null
          && result.problem().contains("inserted afterwards"); attempt++) {
        Thread.sleep(2_000);
        result = verify(database, Path.of(args[3]), pinned);
      }
      out.println(result.ok() ? "AUDIT TRAIL VERIFIED: " + result.eventsVerified() + " events, "
          + result.checkpointsVerified() + " signed checkpoints"
          : "AUDIT TRAIL NOT VERIFIED at sequence " + result.firstBadSequence() + ": " + result.problem());
      return result.ok() ? 0 : 1;
    } catch (IOException | RuntimeException e) {
      out.println("AUDIT TRAIL NOT VERIFIED: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.println("AUDIT TRAIL NOT VERIFIED: interrupted");
      return 1;
    }
  }
}
