package org.itgc.portal;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.itgc.access.AccessRequests;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.audit.AuditTrail;
import org.itgc.audit.StoredAuditEvent;
import org.itgc.change.ChangeEvidence;
import org.itgc.change.ChangeService;
import org.itgc.controls.ControlPopulations;
import org.itgc.controls.ControlsCatalogue;
import org.itgc.controls.EvidencePacks;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.web.BadRequestException;
import org.itgc.platform.web.ConflictException;
import org.itgc.platform.web.NotFoundException;
import org.itgc.platform.web.Page;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The evidence browser (issue #15) for auditors and governance leads: search the records of a period by kind, open a
 * change's whole evidence, export any list, and create an evidence pack with one's own sampling seed.
 */
@Controller
@Page
@PreAuthorize(GovernancePages.READERS)
class EvidencePages {

  static final int PAGE_SIZE = 50;

  private final EvidenceSearch search;
  private final ChangeEvidence changeEvidence;
  private final ChangeService changes;
  private final EvidencePacks packs;
  private final AuditTrail trail;
  private final AccessRequests accessRequests;
  private final ControlPopulations populations;
  private final ControlsCatalogue catalogue;
  private final BusinessCalendar calendar;
  private final AuditRecorder audit;
  private final Clock clock;

  EvidencePages(EvidenceSearch search, ChangeEvidence changeEvidence, ChangeService changes, EvidencePacks packs,
      ControlPopulations populations, ControlsCatalogue catalogue, BusinessCalendar calendar, AuditRecorder audit,
      AuditTrail trail, AccessRequests accessRequests, Clock clock) {
    this.trail = trail;
    this.accessRequests = accessRequests;
    this.search = search;
    this.changeEvidence = changeEvidence;
    this.changes = changes;
    this.packs = packs;
    this.populations = populations;
    this.catalogue = catalogue;
    this.calendar = calendar;
    this.audit = audit;
    this.clock = clock;
  }

  @GetMapping("/app/evidence")
  String search(@RequestParam(required = false) String kind, @RequestParam(required = false) String q,
      @RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
      @RequestParam(defaultValue = "0") int offset, Model model) {
    Period period = Period.of(from, to, clock, calendar.zone());
    var result = search.search(kind, q, period, offset, PAGE_SIZE);
    model.addAttribute("kinds", EvidenceSearch.KINDS);
    model.addAttribute("kind", result.kind());
    model.addAttribute("q", q == null ? "" : q);
    model.addAttribute("period", period);
    model.addAttribute("result", result);
    addPackForm(model, "CM-02", period.fromText(), period.toText());
    return "portal/evidence";
  }

  @GetMapping("/app/evidence/export")
  ResponseEntity<?> export(@RequestParam(required = false) String kind, @RequestParam(required = false) String q,
      @RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
      @RequestParam(defaultValue = "csv") String format) {
    Period period = Period.of(from, to, clock, calendar.zone());
    String k = EvidenceSearch.kind(kind);
    Table table = search.all(k, q, period);
    audit.record(AuditEvent.of("evidence.list.export", "list", k).detail("q", q)
        .detail("from", period.from().toString()).detail("to", period.to().toString()).detail("format", format)
        .detail("rows", table.rows().size()).build());
    return Exports.of(table, Exports.fileName("evidence", k, period.fromText(), period.toText()), format);
  }

  /** A change's whole evidence; reading it is recorded, as the API's read is ({@code change.read}). */
  @GetMapping("/app/evidence/changes/{id}")
  String change(@PathVariable String id, @RequestParam(defaultValue = "false") boolean reads, Model model) {
    ChangeEvidence.Evidence evidence = changeEvidence.of(id);
    audit.record(AuditEvent.of("change.read", "change", id).detail("via", "evidence-browser").build());
    List<StoredAuditEvent> trail = evidence.auditTrail();
    model.addAttribute("id", id);
    model.addAttribute("evidence", evidence);
    model.addAttribute("events", trail.stream().filter(e -> !isRead(e)).toList());
    model.addAttribute("readEvents", trail.stream().filter(EvidencePages::isRead).toList());
    model.addAttribute("showReads", reads);
    // the pack form's day is the change's own (a search by id could be crowded out by titles that name it)
    var day = evidence.change().createdAt().atZone(calendar.zone()).toLocalDate();
    addPackForm(model, "CM-02", day.toString(), day.plusDays(1).toString());
    return "portal/evidence-change";
  }

  /**
   * Any other record's evidence: what the audit trail recorded on it (reads folded away, as on a change's page), and
   * for an access request the request itself with its approvals. Reading it is recorded ({@code evidence.read}). A
   * record with a page of its own (a change, a grant, a revocation, a campaign, a DR or restore test) redirects there.
   */
  @GetMapping("/app/evidence/records")
  String record(@RequestParam String id, @RequestParam(required = false) String type,
      @RequestParam(defaultValue = "false") boolean reads, Model model) {
    String own = Table.pageOf(id);
    if (own != null) {
      return "redirect:" + own + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8);
    }
    boolean typed = type != null && !type.isBlank();
    // a number names a grant, and may name other kinds of records too (a log batch, a control exception): with a type,
    // the events of that kind only; without one, a grant's number opens the grant's page
    List<StoredAuditEvent> events = trail.find(new AuditTrail.Query(null, null, typed ? type.strip() : null, id, null,
        null, 0, 1000));
    var request = accessRequests.find(id);
    if (events.isEmpty() && request.isEmpty()) {
      throw new NotFoundException("record", id);
    }
    if (request.isEmpty() && id.matches("\\d{1,18}") && (typed ? "access-grant".equals(type.strip())
        : events.stream().anyMatch(e -> "access-grant".equals(e.objectType())))) {
      return "redirect:" + Table.grantLink(Long.parseLong(id)); // a grant's events name it by its number
    }
    String objectType = request.isPresent() ? "access-request" : events.get(0).objectType();
    audit.record(AuditEvent.of("evidence.read", objectType, id).detail("via", "evidence-browser").build());
    model.addAttribute("id", id);
    model.addAttribute("objectType", objectType);
    model.addAttribute("request", request.orElse(null));
    model.addAttribute("events", events.stream().filter(e -> !isRead(e)).toList());
    model.addAttribute("readEvents", events.stream().filter(EvidencePages::isRead).toList());
    model.addAttribute("showReads", reads);
    return "portal/record";
  }

  /** The evidence pack form's post: create the pack, then show where to download it. */
  @PostMapping("/app/evidence/packs")
  String createPack(@RequestParam String controlId, @RequestParam Instant from, @RequestParam Instant to,
      @RequestParam(required = false) String seed, Authentication authentication, Model model) throws IOException {
    Long auditorSeed = null;
    if (seed != null && !seed.isBlank()) {
      try {
        auditorSeed = Long.valueOf(seed.trim());
      } catch (NumberFormatException e) {
        throw new BadRequestException("seed", "must be a whole number");
      }
    }
    if (catalogue.find(controlId).isEmpty()) {
      throw new NotFoundException("control", controlId);
    }
    try {
      model.addAttribute("pack", packs.create(controlId, from, to, auditorSeed, authentication.getName()));
    } catch (ConflictException | BadRequestException e) {
      model.addAttribute("problem", e.getMessage());
    }
    return "portal/pack";
  }

  private void addPackForm(Model model, String control, String from, String to) {
    model.addAttribute("packControls", populations.controls());
    model.addAttribute("packControl", control);
    model.addAttribute("packFrom", from);
    model.addAttribute("packTo", to);
  }

  private static boolean isRead(StoredAuditEvent event) {
    return event.action() != null && event.action().endsWith(".read");
  }
}
