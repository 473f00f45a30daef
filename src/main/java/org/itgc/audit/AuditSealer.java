package org.itgc.audit;

import org.itgc.platform.SchedulingConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Seals committed audit events into the hash chain in the order the sealer sees them committed, giving each the next
 * gap-free sequence number, and writes signed checkpoints every N events or few seconds (when there is something new),
 * in the database and as files outside it. It works on its own connections (role {@code itgc_sealer}), the only ones
 * allowed to write links and checkpoints; the application's role cannot. One sealer at a time across nodes (its watermark row locked for the round); an event committed after a
 * round's snapshot is sealed in the next round, so no committed event stays unsealed, also after a crash.
 */
@Service
public class AuditSealer {

  private static final Logger log = LoggerFactory.getLogger(AuditSealer.class);
  /**
   * The sealer's lock: its watermark row, locked FOR UPDATE, which needs the UPDATE right only the sealer's role has
   * (an advisory lock, which any role may take, would let any login halt the sealer).
   */
  private static final String LOCK = "select txid::text from audit_seal_watermark where id = 1 for update";
  private static final int BATCH = 10_000;

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final AuditSigningKey key;
  private final Path keyFile;
  private final ObjectMapper json;
  private final Clock clock;
  private final Path checkpointFolder;
  private final long checkpointEvery;
  private final Duration checkpointInterval;
  private final org.itgc.notify.Notifier notifier;
  private final String mailbox;
  private final java.util.List<String> configuredFingerprints;
  private final Duration mailInterval;
  private final AuditSigningKey previousKey;
  private volatile Duration lateCommitAlarm;
  private volatile Instant lastMailed = Instant.EPOCH;
  private volatile long lastMailedSeq;

  AuditSealer(
      org.springframework.beans.factory.ObjectProvider<SealerConnections> sealerConnections, ObjectMapper json,
      @Qualifier("auditTrailClock") Clock clock,
      @Value("${itgc.audit.signing-key-file}") Path keyFile, @Value("${itgc.audit.checkpoint-folder}") Path checkpointFolder,
      @Value("${itgc.audit.checkpoint-every-events:1000}") long checkpointEvery,
      @Value("${itgc.audit.checkpoint-every:PT5S}") Duration checkpointInterval,
      @Value("${itgc.audit.checkpoint-mail-every:PT1H}") Duration mailInterval, org.itgc.notify.Notifier notifier,
      @Value("${itgc.audit.mailbox:}") String mailbox,
      @Value("${itgc.audit.trusted-key-fingerprints:}") java.util.List<String> trustedFingerprints,
      @Value("${itgc.audit.previous-signing-key-file:}") String previousKeyFile,
      @Value("${itgc.audit.late-commit-alarm:PT10M}") Duration lateCommitAlarm)
      throws IOException, GeneralSecurityException {
    this.lateCommitAlarm = lateCommitAlarm;
    this.configuredFingerprints = trustedFingerprints.stream().map(String::strip).filter(f -> !f.isEmpty())
        .map(f -> f.toLowerCase(java.util.Locale.ROOT)).toList();
    this.notifier = notifier;
    this.mailbox = mailbox;
    this.mailInterval = mailInterval;
    SealerConnections own = sealerConnections.getIfAvailable();
    if (own != null) {
      this.jdbc = new JdbcTemplate(own.dataSource());
      this.transactions = new TransactionTemplate(
          new org.springframework.jdbc.support.JdbcTransactionManager(own.dataSource()));
    } else {
      // the embedded database always has the sealer's role (EmbeddedAuditConnections): this is an external one
      throw new IllegalStateException("The audit sealer has no database login of its own: set itgc.audit.sealer.username "
          + "and itgc.audit.sealer.password (ITGC_AUDIT_SEALER_USERNAME and ITGC_AUDIT_SEALER_PASSWORD) to the role "
          + "itgc_sealer, created once with 'create role itgc_sealer login password ...' (docs/operations.md). Without "
          + "it the application's own login would write the chain's links, and could forge history.");
    }
    this.previousKey = previousKeyFile.isBlank() ? null : AuditSigningKey.load(Path.of(previousKeyFile));
    this.json = json;
    this.clock = clock;
    this.key = AuditSigningKey.loadOrCreate(keyFile);
    this.keyFile = keyFile;
    this.checkpointFolder = checkpointFolder;
    this.checkpointEvery = checkpointEvery;
    this.checkpointInterval = checkpointInterval;
    Files.createDirectories(checkpointFolder);
    Files.writeString(checkpointFolder.resolve("public-key-" + key.keyId() + ".pem"), key.publicPem());
  }

  public AuditSigningKey key() {
    return key;
  }

  /** The previous signing key's fingerprint, when a rotation from it is configured. */
  public java.util.Optional<String> previousFingerprint() {
    return java.util.Optional.ofNullable(previousKey).map(AuditSigningKey::fingerprint);
  }

  Path keyFile() {
    return keyFile;
  }

  private volatile Map<String, java.security.PublicKey> trustedKeys;

  /**
   * The trusted public keys by key id: the signing key, the pinned and previous keys, and the keys those handed over to
   * by rotation records in the checkpoint folder (what was signed before a rotation keeps verifying).
   */
  public Map<String, java.security.PublicKey> trustedKeysById() {
    Map<String, java.security.PublicKey> keys = trustedKeys;
    if (keys == null) {
      Map<String, java.security.PublicKey> published = new java.util.HashMap<>();
      List<com.fasterxml.jackson.databind.JsonNode> rotations = new ArrayList<>();
      published.put(key.fingerprint(), key.publicKey());
      if (previousKey != null) {
        published.put(previousKey.fingerprint(), previousKey.publicKey());
      }
      try (var files = Files.list(checkpointFolder)) {
        for (Path file : files.toList()) {
          String name = file.getFileName().toString();
          if (name.startsWith("public-key-") && name.endsWith(".pem")) {
            var publicKey = AuditSigningKey.readPublic(file);
            published.put(AuditSigningKey.fingerprint(publicKey), publicKey);
          } else if (name.startsWith(ROTATION_PREFIX) && name.endsWith(".json")) {
            rotations.add(json.readTree(file.toFile()));
          }
        }
      } catch (IOException | GeneralSecurityException e) {
        log.warn("The checkpoint folder's keys could not all be read: {}", e.getMessage());
      }
      keys = new java.util.HashMap<>();
      for (var trusted : AuditVerifier.trustedKeys(trustedFingerprints(), published, rotations).entrySet()) {
        keys.put(trusted.getKey().substring(0, 16), trusted.getValue());
      }
      keys.put(key.keyId(), key.publicKey());
      trustedKeys = keys;
    }
    return keys;
  }

  /** The file name of a key rotation record in the checkpoint folder. */
  public static final String ROTATION_PREFIX = "key-rotation-";

  /**
   * A key rotation, recorded before anything is verified or signed at start: when the previous signing key is given
   * ({@code itgc.audit.previous-signing-key-file}) and differs from the current one, a record naming both
   * fingerprints and the new public key, signed by the previous key, goes into {@code audit_key_rotation} and the
   * checkpoint folder (once). An auditor who pinned the previous key's fingerprint thereby trusts the new one, and
   * only so; a key merely dropped into the folder changes nothing. Returns whether a rotation was recorded now.
   */
  public boolean recordKeyRotation() {
    return previousKey != null && recordKeyRotation(previousKey);
  }

  boolean recordKeyRotation(AuditSigningKey previousKey) {
    if (previousKey.fingerprint().equals(key.fingerprint())) {
      return false;
    }
    Boolean recorded = transactions.execute(status -> {
      jdbc.queryForObject(LOCK, String.class);
      if (jdbc.queryForObject("select count(*) from audit_key_rotation where next_fingerprint = ?", Integer.class,
          key.fingerprint()) > 0) {
        return false;
      }
      String rotatedAt = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS).toString();
      String signature;
      try {
        signature = previousKey.sign(AuditChain.rotationText(previousKey.fingerprint(), key.fingerprint(), rotatedAt));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot sign the audit key rotation", e);
      }
      jdbc.update("insert into audit_key_rotation (next_fingerprint, previous_fingerprint, next_public_key, rotated_at, "
          + "signature, previous_public_key) values (?, ?, ?, ?, ?, ?)", key.fingerprint(), previousKey.fingerprint(),
          key.publicPem(), Timestamp.from(Instant.parse(rotatedAt)), signature, previousKey.publicPem());
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("previousFingerprint", previousKey.fingerprint());
      record.put("previousPublicKey", previousKey.publicPem());
      record.put("nextFingerprint", key.fingerprint());
      record.put("nextPublicKey", key.publicPem());
      record.put("rotatedAt", rotatedAt);
      record.put("signature", signature);
      try {
        Files.writeString(checkpointFolder.resolve("public-key-" + previousKey.keyId() + ".pem"), previousKey.publicPem());
        Files.write(checkpointFolder.resolve(ROTATION_PREFIX + key.fingerprint() + ".json"),
            json.writerWithDefaultPrettyPrinter().writeValueAsBytes(record));
      } catch (IOException e) {
        throw new IllegalStateException("cannot publish the audit key rotation to " + checkpointFolder, e);
      }
      trustedKeys = null;
      log.warn("Audit signing key rotated from {} to {}: the rotation record is signed by the previous key",
          previousKey.fingerprint(), key.fingerprint());
      return true;
    });
    return Boolean.TRUE.equals(recorded);
  }

  /**
   * Seals what is committed, then verifies the whole trail against the checkpoints outside the database. An event that
   * committed after later ones were sealed (ids are given at insert, transactions end in any order) looks like one
   * inserted afterwards until the sealer has taken it: the verification is repeated after sealing again before such a
   * finding stands (a row really slipped in afterwards is never sealed and is reported).
   */
  public AuditVerifier.Result verifySealed(javax.sql.DataSource dataSource) throws IOException {
    AuditVerifier.Result result = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      seal();
      result = AuditVerifier.verify(dataSource, checkpointFolder, trustedFingerprints());
      if (result.ok() || result.problem() == null || !result.problem().contains("inserted afterwards")) {
        return result;
      }
    }
    return result;
  }

  /** Null until the start-up verification has spoken; then whether new checkpoints may be signed. */
  private volatile Boolean signing;
  private volatile String tampering;

  /** Published once when tampering is found while the engine runs (the start-up check reports its own verdict). */
  public record TamperingDetected(String problem) {}

  /**
   * An event sealed in a round although it was recorded more than the alarm's tolerance before the start of an
   * earlier complete round, which saw everything committed by then: its transaction was held open and committed at
   * least {@code notVisibleAt - occurredAt} after the event's time.
   */
  public record LateCommit(long eventId, long seq, Instant occurredAt, Instant notVisibleAt) {}

  /** Late commits found in one round, with the tolerance they exceeded (itgc.audit.late-commit-alarm). */
  public record LateCommitsDetected(List<LateCommit> events, Duration tolerance) {}

  /** The tolerance of the late-commit alarm; the tests shorten it to see one within seconds. */
  void lateCommitAlarm(Duration tolerance) {
    this.lateCommitAlarm = tolerance;
  }

  private org.springframework.context.ApplicationEventPublisher events;

  @org.springframework.beans.factory.annotation.Autowired
  void setEvents(org.springframework.context.ApplicationEventPublisher events) {
    this.events = events;
  }

  private void tamperingFound(String problem) {
    boolean first = tampering == null;
    signing = false;
    tampering = problem;
    log.error("AUDIT TRAIL TAMPERING, nothing more is signed: {}", problem);
    if (first && events != null) {
      events.publishEvent(new TamperingDetected(problem));
    }
  }

  /**
   * The verdict of the start-up verification (see {@code AuditStartupCheck}): signing starts only when the chain the
   * database holds extends the checkpoints published outside it; otherwise nothing is ever signed over it.
   */
  public void startupVerdict(boolean verified, String problem) {
    this.tampering = verified ? null : problem;
    this.signing = verified;
  }

  /** What the start-up verification found wrong, if anything. */
  public java.util.Optional<String> tampering() {
    return java.util.Optional.ofNullable(tampering);
  }

  public Path checkpointFolder() {
    return checkpointFolder;
  }

  /**
   * The keys the engine's own verification trusts: its signing key and the earlier keys pinned in
   * {@code itgc.audit.trusted-key-fingerprints} or held as {@code itgc.audit.previous-signing-key-file}; keys that a
   * trusted key handed over to by a signed rotation record follow (see {@link AuditVerifier}). Nothing else in the
   * checkpoint folder counts.
   */
  public java.util.Set<String> trustedFingerprints() {
    var trusted = new java.util.TreeSet<>(configuredFingerprints);
    trusted.add(key.fingerprint());
    if (previousKey != null) {
      trusted.add(previousKey.fingerprint());
    }
    return trusted;
  }

  /**
   * An orderly shutdown leaves no unsigned tail: everything recorded is sealed and the head signed (and published)
   * before the database goes. Runs before the data source closes (beans are destroyed in reverse order of need).
   */
  @jakarta.annotation.PreDestroy
  void checkpointAtShutdown() {
    try {
      long seq = checkpointNow();
      log.info("Audit trail sealed and signed at shutdown up to sequence {}", seq);
    } catch (RuntimeException e) {
      log.error("The audit trail could not be signed at shutdown; the next start signs its head", e);
    }
  }

  private volatile Instant lastRound = Instant.EPOCH;
  private volatile String lastFailure;

  @Scheduled(fixedDelayString = "${itgc.audit.seal-interval:PT1S}", scheduler = SchedulingConfiguration.AUDIT_SEALER)
  void scheduledSeal() {
    try {
      seal(false);
      lastRound = clock.instant();
      lastFailure = null;
    } catch (RuntimeException e) {
      lastFailure = e.getMessage();
      log.error("Sealing the audit trail failed; it is retried in the next round", e);
    }
  }

  /**
   * Why the sealer is stuck, when its rounds have failed for longer than a minute (a login without the sealer's
   * rights, an unreachable database): the health of the audit trail says so instead of staying UP.
   */
  public java.util.Optional<String> stalled() {
    Duration since = Duration.between(lastRound, clock.instant());
    return lastFailure != null && since.compareTo(Duration.ofMinutes(1)) > 0
        ? java.util.Optional.of("no sealing round has succeeded for " + since.toSeconds() + " s: " + lastFailure)
        : java.util.Optional.empty();
  }

  /**
   * Makes the audit partitions of this month and the next three (the database's own function; the application cannot
   * open a past month), at start and daily, so that no event waits for a partition.
   */
  @org.springframework.context.event.EventListener(org.springframework.boot.context.event.ApplicationReadyEvent.class)
  @Scheduled(cron = "${itgc.audit.partition-schedule:0 10 0 * * *}", scheduler = SchedulingConfiguration.AUDIT_HOUSEKEEPING)
  public void preparePartitions() {
    jdbc.queryForObject("select audit_prepare_partitions()::text", String.class);
  }

  /**
   * Seals everything committed before the call (waiting for a round running elsewhere to finish) and writes a
   * checkpoint when one is due; returns the number of events this call sealed.
   */
  public int seal() {
    return seal(true);
  }

  /** Where the current sweep goes on (events with a greater id); 0 when a sweep starts from the watermark. */
  private volatile long cursor;

  /** Rounds until one has looked at every event from the watermark on and found nothing more to seal. */
  private int seal(boolean wait) {
    int total = 0;
    while (true) {
      Round round = transactions.execute(status -> round(wait));
      if (round == null) {
        // another node holds the sealer's lock, or tampering was found
        return total;
      }
      // what this sealer knows of the chain changes only once the round's links are committed
      cursor = round.cursor();
      lastLinkSeq = round.headSeq();
      lastLinkHash = round.headHash();
      total += round.sealed();
      if (!round.late().isEmpty() && events != null) {
        try {
          events.publishEvent(new LateCommitsDetected(round.late(), lateCommitAlarm));
        } catch (RuntimeException e) {
          // the events are chained and listed by GET /api/audit/late-commits; sealing and signing go on
          log.error("The late-commit alarm for {} event(s) could not be raised: {}", round.late().size(), round.late(), e);
        }
      }
      if (round.complete()) {
        return total;
      }
    }
  }

  /**
   * One round in one transaction; null when another node holds the sealer's lock or tampering was found. A round
   * takes at most BATCH events of transactions not older than the watermark, in id order, from the cursor on. When a
   * round started at the cursor 0 and took less than a batch, everything committed before it is sealed: the watermark
   * moves to the oldest transaction that was running at its start (pg_snapshot_xmin), because every older one had
   * ended and its events were visible to the round. A sweep that went on from a cursor ends with a round from 0, so an
   * event that committed late with a smaller id is not passed over.
   */
  private Round round(boolean wait) {
    if (wait) {
      jdbc.queryForObject(LOCK, String.class);
    } else if (jdbc.queryForList(LOCK + " skip locked", String.class).isEmpty()) {
      return null;
    }
    AuditChain.Head head = AuditChain.head(jdbc);
    long seq = head.seq();
    String previous = head.hash();
    String unexpected = unexpectedLinks(seq, previous);
    if (unexpected != null) {
      // links the sealer did not write and that do not verify (written with the sealer's login, not by it)
      tamperingFound(unexpected);
      return null;
    }
    // the database's clock, the one that stamps events: what committed before it is visible to this round's reads
    Object[] start = jdbc.queryForObject("select pg_snapshot_xmin(pg_current_snapshot())::text::bigint as horizon, "
        + "clock_timestamp() as at", (rs, i) -> new Object[] {rs.getLong("horizon"), rs.getTimestamp("at").toInstant()});
    long horizon = (Long) start[0];
    Instant roundStart = (Instant) start[1];
    // the watermark and the start of the last complete round, of any node, kept with it (changeset 030)
    Object[] mark = jdbc.queryForObject("select txid, complete_round_at from audit_seal_watermark where id = 1",
        (rs, i) -> new Object[] {rs.getLong("txid"), rs.getTimestamp("complete_round_at")});
    long watermark = (Long) mark[0];
    Instant lastComplete = mark[1] == null ? null : ((Timestamp) mark[1]).toInstant();
    Instant lateBefore = lastComplete == null ? null : lastComplete.minus(lateCommitAlarm);
    List<LateCommit> late = new java.util.ArrayList<>();
    long from = cursor;
    Long[] seqs = new Long[BATCH];
    Long[] events = new Long[BATCH];
    String[] times = new String[BATCH];
    String[] prevs = new String[BATCH];
    String[] hashes = new String[BATCH];
    var state = new Object() {
      long last = seq;
      String prev = previous;
      int count;
    };
    // from the watermark, the few recent transactions' events come through the txid index; a sweep going on from a
    // cursor (a backlog) walks the id index instead ("+ 0" keeps the planner off the txid index, which would sort the
    // whole backlog again at every round)
    jdbc.query("select " + AuditChain.EVENT_COLUMNS + ", e.occurred_at as at from audit_event e where e.txid"
        + (from > 0 ? " + 0" : "") + " >= ? and e.id > ? and not exists (select 1 from audit_chain c where c.event_id = e.id "
        // the bound repeats e.id > cursor for the chain's side, so that a merge join does not read the chain from its start
        + "and c.occurred_at = e.occurred_at and c.event_id > ?) order by e.id limit " + BATCH, rs -> {
          long next = ++state.last;
          String hash = AuditChain.hash(AuditChain.CURRENT_FORMAT, state.prev, next,
              AuditChain.canonical(rs, AuditChain.CURRENT_FORMAT));
          int i = state.count++;
          seqs[i] = next;
          events[i] = rs.getLong("id");
          Instant occurred = rs.getTimestamp("at").toInstant();
          times[i] = occurred.toString();
          if (lateBefore != null && occurred.isBefore(lateBefore)) {
            late.add(new LateCommit(events[i], next, occurred, lastComplete));
          }
          prevs[i] = state.prev;
          hashes[i] = hash;
          state.prev = hash;
        }, watermark, from, from);
    int n = state.count;
    if (n > 0) {
      int size = n;
      Timestamp now = Timestamp.from(clock.instant());
      // one statement for the whole round (arrays unnested), not one per link
      jdbc.update(con -> {
        var ps = con.prepareStatement("insert into audit_chain (seq, event_id, occurred_at, prev_hash, hash, sealed_at, "
            + "format) select s, e, o::timestamptz, p, h, ?, " + AuditChain.CURRENT_FORMAT
            + " from unnest(?::int8[], ?::int8[], ?::text[], ?::text[], ?::text[]) as u(s, e, o, p, h)");
        ps.setTimestamp(1, now);
        ps.setArray(2, con.createArrayOf("int8", java.util.Arrays.copyOf(seqs, size)));
        ps.setArray(3, con.createArrayOf("int8", java.util.Arrays.copyOf(events, size)));
        ps.setArray(4, con.createArrayOf("text", java.util.Arrays.copyOf(times, size)));
        ps.setArray(5, con.createArrayOf("text", java.util.Arrays.copyOf(prevs, size)));
        ps.setArray(6, con.createArrayOf("text", java.util.Arrays.copyOf(hashes, size)));
        return ps;
      });
    }
    boolean complete = false;
    long nextCursor;
    if (n == BATCH) {
      nextCursor = events[n - 1];
    } else if (from > 0) {
      nextCursor = 0;
    } else {
      nextCursor = 0;
      complete = true;
      // this round's own start, not the greatest seen: a database clock stepped back judges from the new time at once
      jdbc.update("update audit_seal_watermark set txid = greatest(txid, ?), complete_round_at = ? where id = 1",
          horizon, Timestamp.from(roundStart));
    }
    checkpointIfDue(state.last, state.prev);
    return new Round(n, complete, late, nextCursor, state.last, state.prev);
  }

  /**
   * What a round did: events sealed (-1 when it did not run), whether it saw everything, its late commits, and where
   * the sweep and the chain's head stand once it is committed.
   */
  private record Round(int sealed, boolean complete, List<LateCommit> late, long cursor, long headSeq,
      String headHash) {}

  /** The head as this sealer last saw or wrote it; -1 before its first round. */
  private volatile long lastLinkSeq = -1;
  private volatile String lastLinkHash;

  /**
   * Why the links since this sealer's last round cannot stand, or null: each link appended since (by this node or
   * another node's sealer) must follow the one before and give its hash again from its event; a head that went back
   * or changed is tampering too. The first round takes the head the start-up verification has just checked.
   */
  String unexpectedLinks(long headSeq, String headHash) {
    if (lastLinkSeq < 0 || (headSeq == lastLinkSeq && headHash.equals(lastLinkHash))) {
      lastLinkSeq = headSeq;
      lastLinkHash = headHash;
      return null;
    }
    if (headSeq <= lastLinkSeq) {
      return "the chain's head is sequence " + headSeq + " with hash " + headHash + ", after this sealer saw "
          + lastLinkSeq + " with hash " + lastLinkHash;
    }
    var state = new Object() {
      long expected = lastLinkSeq + 1;
      String previous = lastLinkHash;
      String problem;
    };
    jdbc.query("select c.seq, c.prev_hash, c.hash, c.format, " + AuditChain.EVENT_COLUMNS + " from audit_chain c "
        + "left join audit_event e on e.id = c.event_id and e.occurred_at = c.occurred_at where c.seq > ? order by c.seq",
        rs -> {
          if (state.problem != null) {
            return;
          }
          long seq = rs.getLong("seq");
          int format = rs.getInt("format");
          if (seq != state.expected || !state.previous.equals(rs.getString("prev_hash").strip())) {
            state.problem = "link " + seq + " does not follow link " + (state.expected - 1);
          } else if (rs.getObject("id") == null || format < AuditChain.CURRENT_FORMAT
              || !AuditChain.hash(format, state.previous, seq, AuditChain.canonical(rs, format))
                  .equals(rs.getString("hash").strip())) {
            state.problem = "link " + seq + " was not sealed from its event: its hash does not give itself again";
          } else {
            state.previous = rs.getString("hash").strip();
            state.expected++;
          }
        }, lastLinkSeq);
    if (state.problem != null) {
      return state.problem;
    }
    lastLinkSeq = state.expected - 1;
    lastLinkHash = state.previous;
    return null;
  }

  /**
   * Seals everything recorded so far and signs a checkpoint at the head now, due or not (an evidence pack needs its
   * events covered). Returns the checkpoint's sequence number (0 for an empty trail).
   */
  public long checkpointNow() {
    seal();
    Long done = transactions.execute(status -> {
      jdbc.queryForObject(LOCK, String.class);
      AuditChain.Head head = AuditChain.head(jdbc);
      if (head.seq() == 0) {
        return 0L;
      }
      long seq = head.seq();
      Long last = jdbc.queryForObject("select coalesce(max(seq), 0) from audit_checkpoint", Long.class);
      if (last == null || last < seq) {
        checkpoint(seq, head.hash(), true);
      } else if (lastMailedSeq < seq && !mailbox.isBlank()) {
        // the head was signed by a routine round whose mail was held back: an on-demand checkpoint is always mailed
        jdbc.query("select seq, head_hash, created_at, key_id, signature from audit_checkpoint where seq = ?", rs -> {
          Map<String, Object> file = new LinkedHashMap<>();
          file.put("seq", rs.getLong("seq"));
          file.put("headHash", rs.getString("head_hash").strip());
          file.put("createdAt", rs.getTimestamp("created_at").toInstant().toString());
          file.put("keyId", rs.getString("key_id"));
          file.put("signature", rs.getString("signature"));
          mail(file, clock.instant());
        }, seq);
      }
      return seq;
    });
    return done == null ? 0 : done;
  }

  private void checkpointIfDue(long seq, String headHash) {
    checkpoint(seq, headHash, false);
  }

  private void checkpoint(long seq, String headHash, boolean force) {
    if (seq == 0 || !Boolean.TRUE.equals(signing)) {
      // nothing is signed before the chain the database holds has been verified against the published checkpoints,
      // and never over a head that does not extend them
      return;
    }
    var last = jdbc.queryForList("select seq, head_hash, created_at, key_id, signature from audit_checkpoint "
        + "order by seq desc limit 1");
    long lastSeq = last.isEmpty() ? 0 : ((Number) last.get(0).get("seq")).longValue();
    Instant lastAt = last.isEmpty() ? Instant.EPOCH : ((Timestamp) last.get(0).get("created_at")).toInstant();
    if (!last.isEmpty()) {
      String forged = forgedCheckpoint(last.get(0), seq);
      if (forged != null) {
        // a row the sealer did not sign (written with the sealer's database login, not its key): stop signing
        tamperingFound(forged);
        return;
      }
    }
    // microseconds, as PostgreSQL keeps them, so that the signed text can be rebuilt from the table
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    if (seq == lastSeq || (!force && seq - lastSeq < checkpointEvery
        && Duration.between(lastAt, now).compareTo(checkpointInterval) < 0)) {
      return;
    }
    String createdAt = now.toString();
    String signature;
    try {
      signature = key.sign(AuditChain.checkpointText(seq, headHash, createdAt));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign an audit checkpoint", e);
    }
    jdbc.update("insert into audit_checkpoint (seq, head_hash, created_at, key_id, signature) values (?, ?, ?, ?, ?)",
        seq, headHash, Timestamp.from(now), key.keyId(), signature);
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("seq", seq);
    file.put("headHash", headHash);
    file.put("createdAt", createdAt);
    file.put("keyId", key.keyId());
    file.put("signature", signature);
    // published once the row is committed: a round that rolls back leaves no file behind that its resealing (which
    // may chain a late event in another order) would contradict
    boolean forced = force;
    Runnable publish = () -> {
      try {
        Files.write(checkpointFolder.resolve(String.format("checkpoint-%012d.json", seq)), json.writeValueAsBytes(file));
      } catch (IOException e) {
        log.error("The audit checkpoint {} could not be published to {}: the next one covers it", seq, checkpointFolder, e);
      }
      // mailed at most every mail interval (and at every forced checkpoint: shutdown, packs), so that checkpoints every
      // few seconds do not flood the mailbox; the files carry every one
      if (!mailbox.isBlank() && (forced || Duration.between(lastMailed, now).compareTo(mailInterval) >= 0)) {
        mail(file, now);
      }
    };
    if (org.springframework.transaction.support.TransactionSynchronizationManager.isSynchronizationActive()) {
      org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
          new org.springframework.transaction.support.TransactionSynchronization() {
            @Override
            public void afterCommit() {
              publish.run();
            }
          });
    } else {
      publish.run();
    }
  }

  /**
   * Why the newest checkpoint row cannot be the sealer's own, or null: beyond the head of the chain, or signed with
   * this key (or the previous one) but not validly.
   */
  String forgedCheckpoint(Map<String, Object> row, long headSeq) {
    long seq = ((Number) row.get("seq")).longValue();
    if (seq > headSeq) {
      return "checkpoint row " + seq + " lies beyond the head of the chain (" + headSeq + ")";
    }
    String keyId = (String) row.get("key_id");
    java.security.PublicKey publicKey = trustedKeysById().get(keyId);
    String createdAt = ((Timestamp) row.get("created_at")).toInstant().toString();
    if (publicKey == null) {
      return "checkpoint row " + seq + " names key " + keyId + ", which is not a trusted key";
    }
    if (!AuditSigningKey.verify(publicKey, AuditChain.checkpointText(seq, ((String) row.get("head_hash")).strip(),
        createdAt), (String) row.get("signature"))) {
      return "checkpoint row " + seq + " is not validly signed by key " + keyId;
    }
    return null;
  }

  private void mail(Map<String, Object> checkpoint, Instant now) {
    lastMailed = now;
    lastMailedSeq = (Long) checkpoint.get("seq");
    notifier.send("audit-checkpoint", List.of(mailbox), checkpoint);
  }
}
