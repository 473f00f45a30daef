package org.itgc.portal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.itgc.access.AccessRegistry;
import org.itgc.access.Grant;
import org.itgc.audit.AuditTrail;
import org.itgc.audit.StoredAuditEvent;
import org.itgc.certification.Campaigns;
import org.itgc.change.ChangeService;
import org.itgc.controls.ControlPopulations;
import org.itgc.platform.web.BadRequestException;
import org.itgc.platform.web.Slice;
import org.springframework.stereotype.Service;

/**
 * What the evidence browser searches, by kind: changes and audit events page in the database (they grow the
 * fastest); access requests, revocations and continuity tests are the populations of their controls for the period,
 * filtered by the text; grants are an identity's whole history in the access registry; campaigns those running in
 * the period.
 */
@Service
class EvidenceSearch {

  /** The kinds, in the order the search form offers them, with their labels. */
  static final Map<String, String> KINDS = kinds();

  private static Map<String, String> kinds() {
    Map<String, String> kinds = new java.util.LinkedHashMap<>();
    kinds.put("changes", "Changes");
    kinds.put("access-requests", "Access requests");
    kinds.put("grants", "Grants of an identity");
    kinds.put("revocations", "Revocations");
    kinds.put("campaigns", "Certification campaigns");
    kinds.put("continuity", "DR and restore tests");
    kinds.put("audit", "Audit events");
    return java.util.Collections.unmodifiableMap(kinds);
  }

  static final int MAX_EXPORT = 100_000;

  private final ChangeService changes;
  private final AuditTrail trail;
  private final ControlPopulations populations;
  private final AccessRegistry registry;
  private final Campaigns campaigns;

  EvidenceSearch(ChangeService changes, AuditTrail trail, ControlPopulations populations, AccessRegistry registry,
      Campaigns campaigns) {
    this.changes = changes;
    this.trail = trail;
    this.populations = populations;
    this.registry = registry;
    this.campaigns = campaigns;
  }

  /** One page of a search: the title, the columns and the rows with their links. */
  record Result(String kind, String title, List<String> columns, Slice<Table.Row> page) {}

  static String kind(String kind) {
    String k = kind == null || kind.isBlank() ? "changes" : kind;
    if (!KINDS.containsKey(k)) {
      throw new BadRequestException("kind", "must be one of " + String.join(", ", KINDS.keySet()));
    }
    return k;
  }

  Result search(String kind, String text, Period period, int offset, int limit) {
    String k = kind(kind);
    int start = Math.max(0, offset);
    return switch (k) {
      case "changes" -> {
        var slice = changes.search(new ChangeService.Search(text, null, null, period.from(), period.to()), start, limit);
        Table table = changes(slice.rows());
        yield new Result(k, table.title(), table.columns(), new Slice<>(table.page(0, limit).rows(), start, limit,
            slice.total()));
      }
      case "audit" -> {
        var query = auditQuery(text, period, start / limit, limit);
        Table table = audit(trail.find(query));
        yield new Result(k, table.title(), table.columns(), new Slice<>(table.page(0, limit).rows(), start - start % limit,
            limit, trail.count(query)));
      }
      default -> {
        Table table = table(k, text, period);
        yield new Result(k, table.title(), table.columns(), table.page(start, limit));
      }
    };
  }

  /** The whole list, for its CSV and workbook. */
  Table all(String kind, String text, Period period) {
    String k = kind(kind);
    return switch (k) {
      case "changes" -> changes(changes.search(new ChangeService.Search(text, null, null, period.from(), period.to()), 0,
          MAX_EXPORT).rows());
      case "audit" -> audit(trail.find(auditQuery(text, period, 0, MAX_EXPORT)));
      default -> table(k, text, period);
    };
  }

  /** Audit events of an object (the text, exactly), or of the whole period. */
  private static AuditTrail.Query auditQuery(String text, Period period, int page, int size) {
    String object = text == null || text.isBlank() ? null : text.trim();
    return new AuditTrail.Query(null, null, null, object, period.from(), period.to(), page, size);
  }

  private Table table(String kind, String text, Period period) {
    return switch (kind) {
      case "access-requests" -> Table.ofMaps("Access requests (AC-01)", populations.of("AC-01", period.from(),
          period.to()), List.of("item_id")).filtered(text);
      case "revocations" -> Table.ofMaps("Revocations (AC-02)", populations.of("AC-02", period.from(), period.to()),
          List.of("item_id")).filtered(text);
      case "continuity" -> continuity(period).filtered(text);
      case "campaigns" -> campaigns(period).filtered(text);
      case "grants" -> grants(text);
      default -> throw new BadRequestException("kind", kind);
    };
  }

  private static Table changes(List<ChangeService.ChangeSummary> rows) {
    List<List<Object>> cells = new ArrayList<>();
    List<String> links = new ArrayList<>();
    for (var c : rows) {
      cells.add(new ArrayList<>(java.util.Arrays.asList(c.id(), c.title(), c.systemId(), c.changeType(), c.criticality(),
          c.status(), c.createdAt())));
      links.add(Table.linkOf(c.id()));
    }
    return new Table("Changes", List.of("id", "title", "system_id", "change_type", "criticality", "status",
        "created_at"), cells, links);
  }

  private static Table audit(List<StoredAuditEvent> events) {
    List<List<Object>> cells = new ArrayList<>();
    List<String> links = new ArrayList<>();
    for (var e : events) {
      cells.add(new ArrayList<>(java.util.Arrays.asList(e.sequence(), e.occurredAt(), e.actor(), e.action(),
          e.objectType(), e.objectId(), e.outcome(), e.chainSeq())));
      links.add(Table.linkOf(e.objectId(), e.objectType()));
    }
    return new Table("Audit events", List.of("sequence", "occurred_at", "actor", "action", "object_type", "object_id",
        "outcome", "chain_seq"), cells, links);
  }

  private Table continuity(Period period) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String control : List.of("BC-01", "BC-02")) {
      for (var row : populations.of(control, period.from(), period.to())) {
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        map.put("control", control);
        map.put("test_id", row.get("item_id"));
        map.put("system_id", row.get("system_id"));
        map.put("rto_met", row.get("rto_met"));
        map.put("rpo_met", row.get("rpo_met"));
        map.put("passed", row.get("passed"));
        rows.add(map);
      }
    }
    return Table.ofMaps("DR tests (BC-02) and restore tests (BC-01)", rows,
        List.of("control", "test_id", "system_id", "rto_met", "rpo_met", "passed"), "test_id");
  }

  private Table campaigns(Period period) {
    List<List<Object>> cells = new ArrayList<>();
    List<String> links = new ArrayList<>();
    for (var c : campaigns.runningBetween(period.from(), period.to())) {
      cells.add(new ArrayList<>(java.util.Arrays.asList(c.id(), c.name(), c.status(), c.launchedAt(), c.dueAt(),
          c.closedAt(), c.items(), c.decided())));
      links.add(Table.linkOf(c.id()));
    }
    return new Table("Certification campaigns", List.of("id", "name", "status", "launched_at", "due_at", "closed_at",
        "items", "decided"), cells, links);
  }

  private Table grants(String identity) {
    List<List<Object>> cells = new ArrayList<>();
    List<String> links = new ArrayList<>();
    if (identity != null && !identity.isBlank()) {
      for (Grant g : registry.history(identity.trim())) {
        cells.add(new ArrayList<>(java.util.Arrays.asList(g.id(), g.identityId(), g.systemId(), g.entitlementId(),
            g.privileged(), g.grantedAt(), g.grantedBy(), g.requestId(), g.removedAt(), g.removedBy(),
            g.removalReason(), g.revocationId())));
        links.add(Table.grantLink(g.id()));
      }
    }
    return new Table("Grants of " + (identity == null || identity.isBlank() ? "an identity (give its id)" : identity.trim()),
        List.of("grant_id", "identity_id", "system_id", "entitlement_id", "privileged", "granted_at", "granted_by",
            "request_id", "removed_at", "removed_by", "removal_reason", "revocation_id"), cells, links);
  }
}
