package org.itgc.portal;

import java.util.List;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.audit.StoredAuditEvent;
import org.itgc.platform.web.NotFoundException;
import org.itgc.platform.web.Page;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The evidence browser's pages of a grant, a revocation, a certification campaign and a DR or restore test (issue
 * #15): each record's whole evidence as an auditor re-performs its control, its audit events at the bottom with the
 * reads folded away. Reading one is recorded ({@code evidence.read}, as the page of any other record).
 */
@Controller
@Page
@PreAuthorize(GovernancePages.READERS)
class RecordPages {

  private final RecordEvidence evidence;
  private final AuditRecorder audit;

  RecordPages(RecordEvidence evidence, AuditRecorder audit) {
    this.evidence = evidence;
    this.audit = audit;
  }

  @GetMapping("/app/evidence/grants/{id}")
  String grant(@PathVariable String id, @RequestParam(defaultValue = "false") boolean reads, Model model) {
    long grantId;
    try {
      grantId = Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw new NotFoundException("grant", id);
    }
    var grant = evidence.grant(grantId);
    read("access-grant", id);
    model.addAttribute("g", grant);
    return withTrail(model, id, grant.trail(), reads, "portal/evidence-grant");
  }

  @GetMapping("/app/evidence/revocations/{id}")
  String revocation(@PathVariable String id, @RequestParam(defaultValue = "false") boolean reads, Model model) {
    var revocation = evidence.revocation(id);
    read("access-revocation", id);
    model.addAttribute("r", revocation);
    return withTrail(model, id, revocation.trail(), reads, "portal/evidence-revocation");
  }

  @GetMapping("/app/evidence/campaigns/{id}")
  String campaign(@PathVariable String id, @RequestParam(defaultValue = "false") boolean reads, Model model) {
    var campaign = evidence.campaign(id);
    read("campaign", id);
    model.addAttribute("c", campaign.campaign());
    return withTrail(model, id, campaign.trail(), reads, "portal/evidence-campaign");
  }

  @GetMapping("/app/evidence/continuity/{id}")
  String continuityTest(@PathVariable String id, @RequestParam(defaultValue = "false") boolean reads, Model model) {
    var test = evidence.continuityTest(id);
    read("continuity-test", id);
    model.addAttribute("t", test);
    return withTrail(model, id, test.trail(), reads, "portal/evidence-continuity");
  }

  private void read(String type, String id) {
    audit.record(AuditEvent.of("evidence.read", type, id).detail("via", "evidence-browser").build());
  }

  private static String withTrail(Model model, String id, List<StoredAuditEvent> trail, boolean reads, String view) {
    model.addAttribute("id", id);
    model.addAttribute("events", trail.stream().filter(e -> !isRead(e)).toList());
    model.addAttribute("readEvents", trail.stream().filter(RecordPages::isRead).toList());
    model.addAttribute("showReads", reads);
    return view;
  }

  static boolean isRead(StoredAuditEvent event) {
    return event.action() != null && event.action().endsWith(".read");
  }
}
