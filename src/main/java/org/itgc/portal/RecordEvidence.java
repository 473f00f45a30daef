package org.itgc.portal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.itgc.access.AccessCatalogue;
import org.itgc.access.AccessRegistry;
import org.itgc.access.AccessRequests;
import org.itgc.access.Grant;
import org.itgc.access.Identities;
import org.itgc.access.Identity;
import org.itgc.access.Revocations;
import org.itgc.audit.AuditTrail;
import org.itgc.audit.StoredAuditEvent;
import org.itgc.certification.Campaigns;
import org.itgc.continuity.ContinuityTests;
import org.itgc.platform.web.NotFoundException;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.springframework.stereotype.Service;

/**
 * The whole evidence of a grant, a revocation, a certification campaign and a DR or restore test, gathered from the
 * owning capabilities' public reads (never their tables), for the evidence browser's record pages.
 */
@Service
class RecordEvidence {

  /** How many of a record's audit events a page shows (as the page of any other record). */
  static final int EVENTS = 1000;

  private final AccessRegistry registry;
  private final AccessRequests requests;
  private final Revocations revocations;
  private final Identities identities;
  private final AccessCatalogue catalogue;
  private final SystemsInventory systems;
  private final Campaigns campaigns;
  private final ContinuityTests continuityTests;
  private final AuditTrail trail;

  RecordEvidence(AccessRegistry registry, AccessRequests requests, Revocations revocations, Identities identities,
      AccessCatalogue catalogue, SystemsInventory systems, Campaigns campaigns, ContinuityTests continuityTests,
      AuditTrail trail) {
    this.registry = registry;
    this.requests = requests;
    this.revocations = revocations;
    this.identities = identities;
    this.catalogue = catalogue;
    this.systems = systems;
    this.campaigns = campaigns;
    this.continuityTests = continuityTests;
    this.trail = trail;
  }

  /** A system as a record's page names it: its name and tier, or only its id when the inventory no longer has it. */
  record SystemName(String id, String name, String tier) {

    public String label() {
      return name == null ? id : name + " (" + id + ", " + tier + ")";
    }
  }

  /** A grant with its holder, system, entitlement, provenance, removal and the campaigns' decisions on it. */
  record GrantEvidence(Grant grant, Identity identity, SystemName system, String entitlementName,
      AccessRequests.StoredRequest request, List<Revocations.GrantRevocation> revocations,
      List<Campaigns.GrantDecision> decisions, List<StoredAuditEvent> trail) {}

  /** A revocation with its identity and each removal with its grant, SLA, lateness and read-back. */
  record RevocationEvidence(Revocations.Revocation revocation, Identity identity, List<Removal> removals,
      List<StoredAuditEvent> trail) {}

  /**
   * One removal: the SLA report's item ({@code status} removed-in-sla, removed-late, overdue or open, as the report
   * computes it) with the system's and entitlement's names.
   */
  record Removal(Revocations.Item item, SystemName system, String entitlementName) {

    public boolean late() {
      return "removed-late".equals(item.status()) || "overdue".equals(item.status());
    }
  }

  /** A campaign's evidence and its trail. */
  record CampaignEvidence(Campaigns.Evidence campaign, List<StoredAuditEvent> trail) {}

  /** A DR or restore test with its system and the durations in words. */
  record ContinuityEvidence(ContinuityTests.Test test, SystemName system, String rto, String rpo, String actualRto,
      String actualRpo, List<StoredAuditEvent> trail) {}

  GrantEvidence grant(long id) {
    Grant g = registry.find(id).orElseThrow(() -> new NotFoundException("grant", String.valueOf(id)));
    AccessRequests.StoredRequest request = g.requestId() == null ? null : requests.find(g.requestId()).orElse(null);
    List<StoredAuditEvent> events = events(String.valueOf(id)).stream()
        .filter(e -> "access-grant".equals(e.objectType())).toList();
    return new GrantEvidence(g, identities.find(g.identityId()).orElse(null), system(g.systemId()),
        entitlementName(g.systemId(), g.entitlementId()), request, revocations.ofGrant(id),
        campaigns.decisionsOnGrant(id), events);
  }

  RevocationEvidence revocation(String id) {
    Revocations.Revocation r = revocations.find(id).orElseThrow(() -> new NotFoundException("revocation", id));
    List<Removal> removals = revocations.itemsOf(id).stream().map(i -> new Removal(i, system(i.systemId()),
        entitlementName(i.systemId(), i.entitlementId()))).toList();
    return new RevocationEvidence(r, identities.find(r.identityId()).orElse(null), removals, events(id));
  }

  CampaignEvidence campaign(String id) {
    return new CampaignEvidence(campaigns.evidence(id), events(id));
  }

  ContinuityEvidence continuityTest(String id) {
    ContinuityTests.Test t = continuityTests.find(id).orElseThrow(() -> new NotFoundException("continuity test", id));
    return new ContinuityEvidence(t, system(t.systemId()), words(t.rto()), words(t.rpo()), words(t.actualRto()),
        words(t.actualRpo()), events(id));
  }

  private List<StoredAuditEvent> events(String objectId) {
    return trail.find(new AuditTrail.Query(null, null, null, objectId, null, null, 0, EVENTS));
  }

  private SystemName system(String id) {
    Optional<FinancialSystem> system = systems.find(id);
    return system.map(s -> new SystemName(id, s.name(), s.tier().value())).orElse(new SystemName(id, null, null));
  }

  private String entitlementName(String systemId, String entitlementId) {
    return catalogue.entitlement(systemId, entitlementId).map(AccessCatalogue.Entitlement::name).orElse(null);
  }

  /** A duration as people read an RTO: "4 h", "1 h 30 min", "45 min", "20 s"; empty for none. */
  static String words(Duration duration) {
    if (duration == null) {
      return "";
    }
    long seconds = duration.getSeconds();
    long hours = seconds / 3600;
    long minutes = seconds % 3600 / 60;
    long rest = seconds % 60;
    StringBuilder text = new StringBuilder();
    if (hours > 0) {
      text.append(hours).append(" h");
    }
    if (minutes > 0) {
      text.append(text.isEmpty() ? "" : " ").append(minutes).append(" min");
    }
    if (rest > 0 || text.isEmpty()) {
      text.append(text.isEmpty() ? "" : " ").append(rest).append(" s");
    }
    return text.toString();
  }
}
