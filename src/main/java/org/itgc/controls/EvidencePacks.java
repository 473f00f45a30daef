package org.itgc.controls;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.audit.AuditSealer;
import org.itgc.audit.AuditTrail;
import org.itgc.audit.TrailScope;
import org.itgc.platform.csv.Csv;
import org.itgc.platform.web.BadRequestException;
import org.itgc.platform.web.NotFoundException;
import org.itgc.platform.xlsx.Xlsx;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Evidence packs for auditors: for a control and a period, a ZIP with the population (CSV and XLSX), samples drawn
 * with a stored seed (size by the control's frequency, {@code config/sampling.yaml}), each sample's evidence (its row
 * and the audit events on it), the hash-chain segments from those events up to the signed checkpoints that cover
 * them, the public key, and a manifest of every file's SHA-256 signed with the audit key. {@link EvidencePackVerifier}
 * checks a pack without the database. The trail, its chain and its checkpoints are asked of audit
 * ({@link AuditTrail}, {@link AuditCheckpoints}), never read here in SQL (issue #21).
 */
@Service
public class EvidencePacks {

  private static final SecureRandom SEEDS = new SecureRandom();
  private static final int EVENTS_PER_SAMPLE = 200;

  private final JdbcTemplate jdbc;
  private final ControlsCatalogue catalogue;
  private final EvidencePopulations populations;
  private final SamplingPlan sampling;
  private final AuditSealer sealer;
  private final org.itgc.audit.AuditArchive archive;
  private final AuditRecorder audit;
  private final AuditTrail trail;
  private final SignedPacks signedPacks;
  private final ObjectMapper json;
  private final Clock clock;

  EvidencePacks(JdbcTemplate jdbc, ControlsCatalogue catalogue, EvidencePopulations populations, SamplingPlan sampling,
      AuditSealer sealer, org.itgc.audit.AuditArchive archive, AuditRecorder audit, AuditTrail trail,
      SignedPacks signedPacks, ObjectMapper json, Clock clock) {
    this.signedPacks = signedPacks;
    this.trail = trail;
    this.jdbc = jdbc;
    this.catalogue = catalogue;
    this.populations = populations;
    this.sampling = sampling;
    this.sealer = sealer;
    this.archive = archive;
    this.audit = audit;
    this.json = json;
    this.clock = clock;
  }

  /** A pack as listed. */
  public record Pack(String id, String controlId, Instant from, Instant to, int population, long seed,
      List<String> samples, String sha256, String createdBy, Instant createdAt) {}

  public Pack create(String controlId, Instant from, Instant to, String actor) throws IOException {
    return create(controlId, from, to, null, actor);
  }

  /** A pack whose sample is drawn with the auditor's own seed when one is given (recorded as "seedBy": "auditor"). */
  public Pack create(String controlId, Instant from, Instant to, Long auditorSeed, String actor) throws IOException {
    Control control = catalogue.find(controlId == null ? "" : controlId)
        .orElseThrow(() -> new BadRequestException("controlId", "'" + controlId + "' is not a control of config/controls.yaml"));
    List<PopulationSource> sources = populations.sourcesOf(control.id());
    if (sources.isEmpty()) {
      throw new BadRequestException("controlId", control.id() + " has no population in the engine; packs exist for "
          + String.join(", ", populations.controls()));
    }
    if (from == null || to == null || !to.isAfter(from)) {
      throw new BadRequestException("to", "the period needs from and to, with to after from");
    }
    // the answering source's rows, then each supplement's (AC-04: service-account rotations and owner changes), each
    // reconciled with its own source's declaration
    List<Map<String, Object>> population = new ArrayList<>();
    for (PopulationSource source : sources) {
      List<Map<String, Object>> part = source.population(control.id(), from, to);
      var reconciliation = source.reconciliation(control.id());
      if (reconciliation != null) {
        reconcile(control, source, reconciliation, part, from, to, actor);
      }
      if (control.id().equals("LG-01")) {
        reconcileCheckpoints(control, part, from, to, actor);
      }
      if (control.id().equals("AC-05")) {
        reconcileFindings(control, source, part, from, to, actor);
      }
      population.addAll(part);
    }
    long seed = auditorSeed != null ? auditorSeed : SEEDS.nextLong();
    List<String> ids = new ArrayList<>(population.stream().map(r -> String.valueOf(r.get("item_id"))).toList());
    // re-performable: java.util.Random(seed), Collections.shuffle of the item ids in population order, the first n
    Collections.shuffle(ids, new Random(seed));
    int size = Math.min(ids.size(), sampling.sizeFor(control.frequency()));
    List<String> samples = List.copyOf(ids.subList(0, size));
    sealer.checkpointNow();

    Map<String, byte[]> files = new TreeMap<>();
    // every column of every source's rows, in the order they first appear (a supplement's rows have their own)
    java.util.Set<String> columnSet = new java.util.LinkedHashSet<>();
    population.forEach(r -> columnSet.addAll(r.keySet()));
    List<String> columns = population.isEmpty() ? List.of("item_id") : List.copyOf(columnSet);
    List<List<?>> rows = population.stream().<List<?>>map(r -> columns.stream().map(c -> cell(r.get(c))).toList()).toList();
    files.put("population.csv", Csv.write(columns, rows).getBytes(StandardCharsets.UTF_8));
    files.put("population.xlsx", new Xlsx().sheet(control.id() + " population", columns, rows).bytes());
    Map<String, Object> sampleFile = new LinkedHashMap<>();
    sampleFile.put("controlId", control.id());
    sampleFile.put("frequency", control.frequency().value());
    sampleFile.put("from", from.toString());
    sampleFile.put("to", to.toString());
    sampleFile.put("population", population.size());
    sampleFile.put("seed", seed);
    sampleFile.put("seedBy", auditorSeed != null ? "auditor" : "engine");
    sampleFile.put("method", "java.util.Random(seed); Collections.shuffle(item ids in population order); first " + size);
    sampleFile.put("samples", samples);
    files.put("samples.json", json.writerWithDefaultPrettyPrinter().writeValueAsBytes(sampleFile));

    List<Long> linked = new ArrayList<>();
    // events of months that have left the hot tier come from the archive's verified segments
    java.util.Set<String> sampleObjects = new java.util.HashSet<>();
    for (String id : samples) {
      population.stream().filter(r -> id.equals(String.valueOf(r.get("item_id")))).findFirst()
          .ifPresent(r -> sampleObjects.add(String.valueOf(r.get("audit_object_id"))));
    }
    var archived = archive.archivedEventsOf(sampleObjects, from, EVENTS_PER_SAMPLE);
    int n = 1;
    for (String id : samples) {
      Map<String, Object> row = population.stream().filter(r -> id.equals(String.valueOf(r.get("item_id")))).findFirst()
          .orElseThrow();
      List<Map<String, Object>> events = new ArrayList<>();
      for (var link : archived.getOrDefault(String.valueOf(row.get("audit_object_id")), List.of())) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("seq", link.get("seq").asLong());
        event.put("hash", link.get("hash").asText());
        for (String field : List.of("occurredAt", "actor", "action", "objectType", "objectId", "outcome", "details")) {
          event.put(field, link.path(field).isNull() ? null : link.path(field).asText());
        }
        event.put("tier", "archive");
        events.add(event);
      }
      for (var chained : trail.chainedEventsOf(String.valueOf(row.get("audit_object_id")), EVENTS_PER_SAMPLE)) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("seq", chained.seq());
        event.put("hash", chained.hash());
        event.put("occurredAt", chained.occurredAt().toString());
        event.put("actor", chained.actor());
        event.put("action", chained.action());
        event.put("objectType", chained.objectType());
        event.put("objectId", chained.objectId());
        event.put("outcome", chained.outcome());
        event.put("details", chained.details());
        events.add(event);
      }
      if (events.size() > EVENTS_PER_SAMPLE) {
        events = new ArrayList<>(events.subList(0, EVENTS_PER_SAMPLE));
      }
      for (Map<String, Object> event : events) {
        // covered by a checkpoint of the key the pack ships (checkpointNow above signed one at the head)
        linked.add((Long) event.get("seq"));
      }
      Map<String, Object> evidence = new LinkedHashMap<>();
      evidence.put("itemId", id);
      evidence.put("item", cells(row));
      evidence.put("auditEvents", events);
      files.put(String.format("evidence/%03d-%s.json", n++, id.replaceAll("[^A-Za-z0-9._-]", "_")),
          json.writerWithDefaultPrettyPrinter().writeValueAsBytes(evidence));
    }
    signedPacks.addChain(files, linked);
    files.put("README.txt", readme(control, size).getBytes(StandardCharsets.UTF_8));

    String id = "EP-" + clock.instant().toEpochMilli();
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("pack", id);
    manifest.put("controlId", control.id());
    manifest.put("from", from.toString());
    manifest.put("to", to.toString());
    manifest.put("createdAt", clock.instant().toString());
    manifest.put("createdBy", actor);
    byte[] zip = signedPacks.sign(files, manifest);
    String digest = org.itgc.platform.Hashes.sha256(zip);
    jdbc.update(con -> {
      var ps = con.prepareStatement("""
          insert into evidence_pack (id, control_id, period_from, period_to, population, seed, samples, sha256, content,
              created_by, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """);
      ps.setString(1, id);
      ps.setString(2, control.id());
      ps.setTimestamp(3, Timestamp.from(from));
      ps.setTimestamp(4, Timestamp.from(to));
      ps.setInt(5, population.size());
      ps.setLong(6, seed);
      ps.setArray(7, con.createArrayOf("text", samples.toArray()));
      ps.setString(8, digest);
      ps.setBytes(9, zip);
      ps.setString(10, actor);
      ps.setTimestamp(11, Timestamp.from(clock.instant()));
      return ps;
    });
    audit.record(AuditEvent.of("evidence-pack.create", "evidence-pack", id).actor(actor, null)
        .detail("controlId", control.id()).detail("from", from.toString()).detail("to", to.toString())
        .detail("population", population.size()).detail("samples", samples).detail("seed", seed)
        .detail("sha256", digest).build());
    return find(id).orElseThrow();
  }

  /**
   * The population against the audit trail, both ways: every record has the event that recorded its creation (hot, or
   * in the archive's verified segments), and every creation recorded in the period has its record in the table. A
   * difference refuses the pack (409, naming the records) and is itself audited: rows deleted or inserted behind the
   * application's back show here.
   */
  private void reconcile(Control control, PopulationSource source, PopulationSource.Reconciliation reconciliation,
      List<Map<String, Object>> population, Instant from, Instant to, String actor) throws IOException {
    java.util.Set<String> objects = new java.util.TreeSet<>();
    population.forEach(row -> objects.add(String.valueOf(row.get("audit_object_id"))));
    TrailScope created = TrailScope.objectsOf(reconciliation.creatingActions().toArray(String[]::new));
    java.util.Set<String> recorded = trail.namedAmong(created, objects);
    java.util.Set<String> unrecorded = new java.util.TreeSet<>(objects);
    unrecorded.removeAll(recorded);
    if (!unrecorded.isEmpty()) {
      // a record may be older than the period (CM-01: implemented now, raised long ago): any archived month counts
      archive.archivedEventsOf(unrecorded, Instant.EPOCH, 1_000).forEach((objectId, links) -> {
        if (links.stream().anyMatch(l -> reconciliation.creatingActions().contains(l.path("action").asText()))) {
          unrecorded.remove(objectId);
        }
      });
    }
    if (reconciliation.membership() != null && !objects.isEmpty()) {
      // records whose membership of the population the trail does not attest (a period or state edited behind the
      // application's back) count as unrecorded
      java.util.Set<String> attested = trail.namedAmong(reconciliation.membership(), objects);
      objects.stream().filter(o -> !attested.contains(o)).forEach(unrecorded::add);
    }
    java.util.Set<String> vanished = new java.util.TreeSet<>();
    if (reconciliation.scope() != null) {
      // the records the trail puts in the period (by the database's clock) that the population lacks
      vanished.addAll(trail.namedIn(reconciliation.scope(), from, to));
      vanished.removeAll(source.outOfScope(control.id(), vanished));
      population.forEach(row -> vanished.remove(String.valueOf(row.get(reconciliation.scopeKey()))));
    } else {
      // creations the trail recorded in the period whose records the table no longer holds
      java.util.Set<String> createdInPeriod = trail.namedIn(created, from, to);
      vanished.addAll(createdInPeriod);
      if (!createdInPeriod.isEmpty()) {
        vanished.removeAll(source.present(control.id(), createdInPeriod));
      }
    }
    if (unrecorded.isEmpty() && vanished.isEmpty()) {
      return;
    }
    String problem = (unrecorded.isEmpty() ? "" : reconciliation.table() + " holds " + unrecorded.size()
        + " record(s) of this population whose creation (or membership) the audit trail never recorded: "
        + limited(unrecorded) + ". ")
        + (vanished.isEmpty() ? "" : "the audit trail puts " + vanished.size() + " record(s) in this population that "
        + reconciliation.table() + " no longer holds there (deleted, or moved out of the period or scope): "
        + limited(vanished) + ".");
    throw mismatch(control, from, to, actor, unrecorded, vanished, "the population of " + control.id()
        + " does not reconcile with the audit trail: " + problem.strip());
  }

  /**
   * LG-01's population (the signed checkpoints of the period, from the database) against the checkpoints published
   * outside it: a row without its file was written to the database only, a file without its row was removed from it.
   */
  private void reconcileCheckpoints(Control control, List<Map<String, Object>> population, Instant from, Instant to,
      String actor) throws IOException {
    java.util.Set<String> rows = new java.util.TreeSet<>();
    population.forEach(row -> rows.add(String.valueOf(row.get("item_id"))));
    long newest = population.stream().mapToLong(row -> Long.parseLong(String.valueOf(row.get("item_id")))).max()
        .orElse(Long.MAX_VALUE);
    java.util.Set<String> files = new java.util.TreeSet<>();
    try (var listing = java.nio.file.Files.list(sealer.checkpointFolder())) {
      for (var file : listing.filter(f -> f.getFileName().toString().matches("checkpoint-\\d+\\.json")).toList()) {
        var checkpoint = json.readTree(file.toFile());
        Instant created = Instant.parse(checkpoint.path("createdAt").asText());
        // a checkpoint signed while this runs is newer than the population read: not compared
        if (!created.isBefore(from) && created.isBefore(to) && checkpoint.path("seq").asLong() <= newest) {
          files.add(checkpoint.path("seq").asText());
        }
      }
    }
    java.util.Set<String> unpublished = new java.util.TreeSet<>(rows);
    unpublished.removeAll(files);
    java.util.Set<String> removed = new java.util.TreeSet<>(files);
    removed.removeAll(rows);
    if (unpublished.isEmpty() && removed.isEmpty()) {
      return;
    }
    throw mismatch(control, from, to, actor, unpublished, removed, "the population of " + control.id()
        + " does not reconcile with the checkpoints published outside the database: " + (unpublished.isEmpty() ? "" : "checkpoint(s) "
        + limited(unpublished) + " are in the database but were never published. ") + (removed.isEmpty() ? ""
        : "checkpoint(s) " + limited(removed) + " were published but are no longer in the database."));
  }

  /**
   * AC-05's population (SoD findings first seen in the period) against the scans that found them: each scan's event
   * carries the digest of the findings it added ({@link PopulationDigests}); the table's findings of that scan
   * must give it again, and every finding of the population must come from a recorded scan.
   */
  private void reconcileFindings(Control control, PopulationSource source, List<Map<String, Object>> population,
      Instant from, Instant to, String actor) {
    Map<String, String> digests = new java.util.HashMap<>();
    java.util.Set<String> recordedScans = new java.util.HashSet<>();
    List<AuditTrail.ObjectDetail> scanEvents = trail.detailOf("access.sod-scan", "newFindingsDigest");
    scanEvents.forEach(scan -> {
      recordedScans.add(scan.objectId());
      if (scan.value() != null) {
        digests.put(scan.objectId(), scan.value());
      }
    });
    java.util.Set<String> scans = new java.util.TreeSet<>();
    java.util.Set<String> unrecorded = new java.util.TreeSet<>();
    population.forEach(row -> {
      String scan = String.valueOf(row.get("first_scan_id"));
      if (digests.containsKey(scan)) {
        scans.add(scan);
      } else if (!recordedScans.contains(scan)) {
        unrecorded.add(String.valueOf(row.get("item_id")));
      }
    });
    // the scans of the period, also those whose findings are all gone from the table
    scanEvents.stream().filter(scan -> scan.value() != null && !scan.occurredAt().isBefore(from)
        && scan.occurredAt().isBefore(to)).forEach(scan -> scans.add(scan.objectId()));
    java.util.Set<String> altered = new java.util.TreeSet<>();
    for (String scan : scans) {
      List<String> keys = source.batchKeys(control.id(), scan);
      if (!PopulationDigests.ofKeys(keys).equals(digests.get(scan))) {
        altered.add("scan " + scan);
      }
    }
    if (unrecorded.isEmpty() && altered.isEmpty()) {
      return;
    }
    throw mismatch(control, from, to, actor, unrecorded, altered, "the population of " + control.id()
        + " does not reconcile with the audit trail: " + (unrecorded.isEmpty() ? "" : "finding(s) " + limited(unrecorded) + " come from no "
        + "recorded scan. ") + (altered.isEmpty() ? "" : "the findings of " + limited(altered) + " are no longer the "
        + "ones the scan recorded (added, removed or changed behind the application's back)."));
  }

  /** The refusal of a pack whose population does not reconcile, audited: 409 with the problem in words. */
  private RuntimeException mismatch(Control control, Instant from, Instant to, String actor,
      java.util.Set<String> unrecorded, java.util.Set<String> vanished, String problem) {
    audit.recordIndependently(AuditEvent.of("evidence-pack.population-mismatch", "control", control.id())
        .actor(actor, null).outcome(AuditEvent.Outcome.FAILURE).detail("from", from.toString())
        .detail("to", to.toString()).detail("unrecorded", List.copyOf(unrecorded)).detail("vanished", List.copyOf(vanished))
        .build());
    return new org.itgc.platform.web.ConflictException(problem);
  }

  private static String limited(java.util.Set<String> ids) {
    return ids.size() <= 20 ? String.join(", ", ids) : String.join(", ", List.copyOf(ids).subList(0, 20)) + ", ...";
  }

  public java.util.Optional<Pack> find(String id) {
    return jdbc.query("select * from evidence_pack where id = ?", (rs, i) -> new Pack(rs.getString("id"),
        rs.getString("control_id"), rs.getTimestamp("period_from").toInstant(), rs.getTimestamp("period_to").toInstant(),
        rs.getInt("population"), rs.getLong("seed"), List.of((String[]) rs.getArray("samples").getArray()),
        rs.getString("sha256"), rs.getString("created_by"), rs.getTimestamp("created_at").toInstant()), id).stream().findFirst();
  }

  public List<Pack> list() {
    return jdbc.queryForList("select id from evidence_pack order by created_at", String.class).stream()
        .map(id -> find(id).orElseThrow()).toList();
  }

  public byte[] download(String id, String actor) {
    var content = jdbc.queryForList("select content from evidence_pack where id = ?", byte[].class, id);
    if (content.isEmpty()) {
      throw new NotFoundException("evidence pack", id);
    }
    audit.record(AuditEvent.of("evidence-pack.read", "evidence-pack", id).actor(actor, null).build());
    return content.get(0);
  }

  private static Map<String, Object> cells(Map<String, Object> row) {
    Map<String, Object> out = new LinkedHashMap<>();
    row.forEach((k, v) -> out.put(k, cell(v)));
    return out;
  }

  private static Object cell(Object value) {
    return value instanceof Timestamp t ? t.toInstant().toString() : value instanceof java.sql.Date d ? d.toString() : value;
  }

  private static String readme(Control control, int size) {
    return """
        Evidence pack of control %s: %s

        population.csv / population.xlsx  every item of the period
        samples.json                       the seed and the %d item(s) drawn; re-perform with java.util.Random(seed)
        evidence/                          each sample's row and the audit events recorded on it
        chain/segments.jsonl               the hash chain from those events to the signed checkpoints that cover them
        chain/checkpoints.json             those checkpoints, signed with the audit key (Ed25519)
        public-key.pem                     the audit key's public half; compare it with the one published with the checkpoints
        manifest.json / manifest.sig       the SHA-256 of every file, signed with the same key

        Verify without the database:
          java -cp itgc-engine.jar -Dloader.main=org.itgc.controls.EvidencePackVerifier \\
            org.springframework.boot.loader.launch.PropertiesLauncher PACK.zip AUDIT-KEY-FINGERPRINT
          (the fingerprint pinned from GET /api/audit/signing-key, or the published public key file)
        """.formatted(control.id(), control.title(), size);
  }
}
