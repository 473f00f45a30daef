package org.itgc.portal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.TaskService;
import org.itgc.access.AccessCatalogue;
import org.itgc.access.AccessRequests;
import org.itgc.access.Identities;
import org.itgc.change.ChangeEvidence;
import org.itgc.change.ChangeRecords;
import org.itgc.change.ChangeRequestInput;
import org.itgc.change.ChangeService;
import org.itgc.change.ChangeValidation;
import org.itgc.change.StandardChangeCatalogue;
import org.itgc.platform.web.Page;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * A requester's own surface: the list of their changes and access requests, one page per request with its timeline
 * and outcome, and the two start forms, which answer with the new number and show errors beside their fields.
 */
@Controller
@Page
@RequestMapping("/app/requests")
class RequestsPage {

  static final int PAGE_SIZE = 20;

  private final MyRequests mine;
  private final ChangeService changes;
  private final ChangeEvidence evidence;
  private final ChangeValidation validation;
  private final StandardChangeCatalogue standardChanges;
  private final AccessRequests access;
  private final AccessCatalogue catalogue;
  private final Identities identities;
  private final SystemsInventory systems;
  private final TaskService tasks;
  private final org.itgc.platform.calendar.BusinessCalendar calendar;

  RequestsPage(org.itgc.platform.calendar.BusinessCalendar calendar, MyRequests mine, ChangeService changes, ChangeEvidence evidence, ChangeValidation validation,
      StandardChangeCatalogue standardChanges, AccessRequests access, AccessCatalogue catalogue, Identities identities,
      SystemsInventory systems, TaskService tasks) {
    this.mine = mine;
    this.changes = changes;
    this.evidence = evidence;
    this.validation = validation;
    this.standardChanges = standardChanges;
    this.access = access;
    this.catalogue = catalogue;
    this.identities = identities;
    this.systems = systems;
    this.tasks = tasks;
    this.calendar = calendar;
  }

  @GetMapping
  String list(@RequestParam(name = "changes", defaultValue = "0") int changeOffset,
      @RequestParam(name = "access", defaultValue = "0") int accessOffset, @ModelAttribute("me") Me me, Model model) {
    model.addAttribute("changes", mine.changes(me.name(), changeOffset, PAGE_SIZE));
    model.addAttribute("access", mine.access(me.name(), accessOffset, PAGE_SIZE));
    model.addAttribute("changeOffset", Math.max(0, changeOffset));
    model.addAttribute("accessOffset", Math.max(0, accessOffset));
    model.addAttribute("systemNames", systemNames());
    return "portal/requests";
  }

  // ---------------------------------------------------------------- changes

  /** One event of a request's life, for its timeline. */
  record Step(java.time.Instant at, String who, String what, String detail, String tone) {}

  @GetMapping("/changes/{id}")
  String change(@PathVariable String id, Authentication authentication, Model model) {
    var record = evidence.readBy(id, authentication.getName(), authorities(authentication));
    var change = record.change();
    model.addAttribute("change", change);
    model.addAttribute("system", systems.find(change.systemId()).orElse(null));
    model.addAttribute("criticality", record.criticalityDecisions().isEmpty() ? null
        : record.criticalityDecisions().get(record.criticalityDecisions().size() - 1));
    model.addAttribute("timeline", changeTimeline(record));
    model.addAttribute("outcome", changeOutcome(change, record.approvals()));
    model.addAttribute("waitingFor", waitingFor(change.processInstanceId()));
    model.addAttribute("deployments", record.deployments());
    return "portal/change";
  }

  private static List<Step> changeTimeline(ChangeEvidence.Evidence record) {
    var change = record.change();
    List<Step> steps = new ArrayList<>();
    steps.add(new Step(change.createdAt(), change.requester(), "Requested", change.changeType() + " change", ""));
    for (var decision : record.criticalityDecisions()) {
      steps.add(new Step(decision.evaluatedAt(), "the engine", "Criticality assessed",
          "rule " + String.join(", ", decision.matchedRules()) + " of " + decision.decisionDefinitionId()
              + ": " + decision.outputs(), ""));
    }
    for (ChangeRecords.Approval approval : record.approvals()) {
      steps.add(new Step(approval.decidedAt(), approval.decidedBy(),
          stepName(approval.step()) + ": " + approval.decision() + (approval.retrospective() ? " (after the fact)" : ""),
          approval.comment(), "approve".equals(approval.decision()) ? "ok" : "bad"));
    }
    if (change.implementedAt() != null) {
      steps.add(new Step(change.implementedAt(), change.implementedBy(), "Implemented",
          change.deploymentReference(), "ok"));
    }
    for (var deployment : record.deployments()) {
      steps.add(new Step(deployment.deployedAt(), deployment.deployedBy(), "Deployed to production",
          deployment.reference() + (deployment.matched() ? " (traced to an approved change)" : " (not traced: " + deployment.problem() + ")"), ""));
    }
    // the post-implementation review: its task (named after the model, then the record) completed, by whom and when
    for (var task : record.tasks()) {
      if (task.ended() != null && "completed".equals(task.deleteReason()) && task.name() != null
          && task.name().startsWith(POST_IMPLEMENTATION_REVIEW)) {
        steps.add(new Step(task.ended(), task.assignee(), POST_IMPLEMENTATION_REVIEW,
            change.reviewOutcome() == null ? null : change.reviewOutcome() + ": " + change.reviewComment(), ""));
      }
    }
    steps.sort(Comparator.comparing(Step::at, Comparator.nullsLast(Comparator.naturalOrder())));
    return steps;
  }

  /** The name the change model gives its review task (Tasklist shows it followed by the record). */
  static final String POST_IMPLEMENTATION_REVIEW = "Post-implementation review";

  private static String stepName(String step) {
    return switch (step) {
      case "technical-review" -> "Technical review";
      case "cab" -> "CAB approval";
      case "it" -> "IT approval";
      case "finance" -> "Finance approval";
      default -> step;
    };
  }

  /** What became of a change, in plain words, and why. */
  record Outcome(String label, String reason, String tone) {}

  private static Outcome changeOutcome(ChangeRecords.Change change, List<ChangeRecords.Approval> approvals) {
    var last = approvals.isEmpty() ? null : approvals.get(approvals.size() - 1);
    return switch (change.status()) {
      case "rejected" -> new Outcome("Rejected", last == null ? null
          : stepName(last.step()) + " by " + last.decidedBy() + ": " + last.comment(), "bad");
      case "rework" -> new Outcome("Sent back for rework", last == null ? null : last.comment(), "warn");
      case "approved" -> new Outcome("Approved, waiting for implementation", null, "ok");
      case "implemented" -> new Outcome("Implemented, waiting for its review", null, "ok");
      case "closed" -> new Outcome("Closed", change.reviewOutcome() == null ? null
          : "review: " + change.reviewOutcome() + (change.reviewComment() == null ? "" : " - " + change.reviewComment()), "ok");
      case "failed" -> new Outcome("Failed", change.reviewComment(), "bad");
      case "rolled-back" -> new Outcome("Rolled back", change.rollbackDetails(), "bad");
      default -> new Outcome("In progress", null, "");
    };
  }

  /** The open tasks of a request's process: who it waits for now. */
  private List<String> waitingFor(String processInstanceId) {
    if (processInstanceId == null) {
      return List.of();
    }
    return tasks.createTaskQuery().processInstanceId(processInstanceId).active().list().stream()
        .map(t -> t.getName() + (t.getAssignee() == null ? "" : " (" + t.getAssignee() + ")")).toList();
  }

  /** The fields of the change start form, as the page posts them. */
  static final class ChangeForm {
    public String title;
    public String systemId;
    public String changeType = "normal";
    public String standardChangeType;
    public String description;
    public String justification;
    public boolean touchesFinancialData;
    public String implementationPlan;
    public boolean hasTestedRollback;
    public String rollbackPlan;
    public String plannedStart;
    public String plannedEnd;
    public String repository;
    public String commits;
    public String testEvidence;
    public String testEvidenceLinks;

    public String getTitle() { return title; }
    public void setTitle(String v) { title = v; }
    public String getSystemId() { return systemId; }
    public void setSystemId(String v) { systemId = v; }
    public String getChangeType() { return changeType; }
    public void setChangeType(String v) { changeType = v; }
    public String getStandardChangeType() { return standardChangeType; }
    public void setStandardChangeType(String v) { standardChangeType = v; }
    public String getDescription() { return description; }
    public void setDescription(String v) { description = v; }
    public String getJustification() { return justification; }
    public void setJustification(String v) { justification = v; }
    public boolean isTouchesFinancialData() { return touchesFinancialData; }
    public void setTouchesFinancialData(boolean v) { touchesFinancialData = v; }
    public String getImplementationPlan() { return implementationPlan; }
    public void setImplementationPlan(String v) { implementationPlan = v; }
    public boolean isHasTestedRollback() { return hasTestedRollback; }
    public void setHasTestedRollback(boolean v) { hasTestedRollback = v; }
    public String getRollbackPlan() { return rollbackPlan; }
    public void setRollbackPlan(String v) { rollbackPlan = v; }
    public String getPlannedStart() { return plannedStart; }
    public void setPlannedStart(String v) { plannedStart = v; }
    public String getPlannedEnd() { return plannedEnd; }
    public void setPlannedEnd(String v) { plannedEnd = v; }
    public String getRepository() { return repository; }
    public void setRepository(String v) { repository = v; }
    public String getCommits() { return commits; }
    public void setCommits(String v) { commits = v; }
    public String getTestEvidence() { return testEvidence; }
    public void setTestEvidence(String v) { testEvidence = v; }
    public String getTestEvidenceLinks() { return testEvidenceLinks; }
    public void setTestEvidenceLinks(String v) { testEvidenceLinks = v; }
  }

  @GetMapping("/changes/new")
  String newChange(Model model) {
    model.addAttribute("form", new ChangeForm());
    model.addAttribute("errors", Map.of());
    return changeForm(model);
  }

  @PostMapping("/changes")
  String submitChange(@ModelAttribute("form") ChangeForm form, Authentication authentication, Model model,
      RedirectAttributes redirect) {
    Map<String, String> errors = new LinkedHashMap<>();
    var start = instant(errors, "plannedStart", form.plannedStart);
    var end = instant(errors, "plannedEnd", form.plannedEnd);
    if (errors.isEmpty()) {
      var input = new ChangeRequestInput(blankToNull(form.title), blankToNull(form.systemId), blankToNull(form.changeType),
          blankToNull(form.standardChangeType), blankToNull(form.description), blankToNull(form.justification),
          form.touchesFinancialData, blankToNull(form.implementationPlan), form.hasTestedRollback,
          blankToNull(form.rollbackPlan), start, end, blankToNull(form.repository), lines(form.commits),
          blankToNull(form.testEvidence), lines(form.testEvidenceLinks));
      try {
        String id = changes.submit(input, authentication.getName(), authorities(authentication));
        redirect.addFlashAttribute("submitted", id);
        return "redirect:/app/requests/changes/" + id;
      } catch (RuntimeException e) {
        org.itgc.platform.web.FormErrors.collect(e, errors, "form");
      }
    }
    model.addAttribute("errors", errors);
    return changeForm(model);
  }

  private String changeForm(Model model) {
    model.addAttribute("systems", systems.all());
    model.addAttribute("standardChanges", standardChanges.all());
    model.addAttribute("zone", calendar.zone().getId());
    return "portal/change-form";
  }

  private java.time.Instant instant(Map<String, String> errors, String field, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return validation.parseInstant(value.trim());
    } catch (java.time.format.DateTimeParseException e) {
      errors.put(field, "'" + value + "' is not a date and time");
      return null;
    }
  }

  // ---------------------------------------------------------------- access requests

  @GetMapping("/access/{id}")
  String accessRequest(@PathVariable String id, Authentication authentication, Model model) {
    var request = access.readBy(id, authentication.getName(), authorities(authentication));
    model.addAttribute("request", request);
    model.addAttribute("beneficiary", identities.find(request.beneficiaryId()).orElse(null));
    model.addAttribute("items", request.items().stream().map(item -> new ItemView(item.systemId(),
        systemName(item.systemId()), item.entitlementId(),
        catalogue.entitlement(item.systemId(), item.entitlementId()).map(AccessCatalogue.Entitlement::name)
            .orElse(item.entitlementId()), item.privileged(), item.functions())).toList());
    List<ConflictView> conflicts = new ArrayList<>();
    var check = request.sodCheck();
    if (check != null) {
      for (var conflict : check.conflicts()) {
        boolean uncovered = check.uncovered().contains(conflict);
        List<String> entitlements = request.items().stream()
            .filter(item -> item.functions().stream().anyMatch(f -> conflict.description().contains("(" + f + ")")))
            .map(item -> item.systemId() + "/" + item.entitlementId()).toList();
        conflicts.add(new ConflictView(conflict.ruleId(), conflict.risk(), conflict.description(), entitlements,
            uncovered));
      }
    }
    model.addAttribute("conflicts", conflicts);
    model.addAttribute("outcome", accessOutcome(request, conflicts));
    List<Step> steps = new ArrayList<>();
    steps.add(new Step(request.createdAt(), request.requester(), "Requested", request.justification(), ""));
    request.approvals().forEach(a -> steps.add(new Step(a.decidedAt(), a.approver(),
        a.step() + ": " + a.decision(), a.comment(), "approved".equals(a.decision()) ? "ok" : "bad")));
    if (request.closedAt() != null) {
      steps.add(new Step(request.closedAt(), "the engine", "Closed: " + request.status(), null,
          "granted".equals(request.status()) ? "ok" : "bad"));
    }
    model.addAttribute("timeline", steps);
    model.addAttribute("waitingFor", request.closedAt() == null ? waitingFor(request.processInstanceId()) : List.of());
    return "portal/access-request";
  }

  record ItemView(String systemId, String systemName, String entitlementId, String entitlementName,
      boolean privileged, List<String> functions) {}

  record ConflictView(String ruleId, String risk, String description, List<String> requestedEntitlements,
      boolean uncovered) {}

  private static Outcome accessOutcome(AccessRequests.StoredRequest request, List<ConflictView> conflicts) {
    var last = request.approvals().isEmpty() ? null : request.approvals().get(request.approvals().size() - 1);
    return switch (request.status()) {
      case "granted" -> new Outcome("Granted", null, "ok");
      case "rejected" -> new Outcome("Rejected", last == null ? null
          : last.step() + " by " + last.approver() + ": " + last.comment(), "bad");
      case "rejected-sod" -> new Outcome("Rejected by the segregation-of-duties check",
          conflicts.stream().filter(ConflictView::uncovered)
              .map(c -> c.ruleId() + " (" + c.risk() + "): " + c.description()
                  + (c.requestedEntitlements().isEmpty() ? "" : ", from " + String.join(", ", c.requestedEntitlements())))
              .reduce((a, b) -> a + "; " + b).orElse(null), "bad");
      default -> new Outcome("In progress", null, "");
    };
  }

  /** The fields of the access request form. */
  static final class AccessForm {
    public String beneficiaryId;
    public List<String> entitlements = new ArrayList<>();
    public String justification;
    public boolean exceptionRequested;

    public String getBeneficiaryId() { return beneficiaryId; }
    public void setBeneficiaryId(String v) { beneficiaryId = v; }
    public List<String> getEntitlements() { return entitlements; }
    public void setEntitlements(List<String> v) { entitlements = v == null ? new ArrayList<>() : v; }
    public String getJustification() { return justification; }
    public void setJustification(String v) { justification = v; }
    public boolean isExceptionRequested() { return exceptionRequested; }
    public void setExceptionRequested(boolean v) { exceptionRequested = v; }
  }

  @GetMapping("/access/new")
  String newAccess(@ModelAttribute("me") Me me, Model model) {
    var form = new AccessForm();
    form.beneficiaryId = identities.findByUserName(me.name()).map(org.itgc.access.Identity::id).orElse(null);
    model.addAttribute("form", form);
    model.addAttribute("errors", Map.of());
    return accessForm(model);
  }

  @PostMapping("/access")
  String submitAccess(@ModelAttribute("form") AccessForm form, Authentication authentication, Model model,
      RedirectAttributes redirect) {
    Map<String, String> errors = new LinkedHashMap<>();
    try {
      String id = access.submit(new AccessRequests.NewRequest(blankToNull(form.beneficiaryId), form.entitlements,
          blankToNull(form.justification), form.exceptionRequested), authentication.getName(), authorities(authentication));
      redirect.addFlashAttribute("submitted", id);
      return "redirect:/app/requests/access/" + id;
    } catch (RuntimeException e) {
      org.itgc.platform.web.FormErrors.collect(e, errors, "form");
    }
    model.addAttribute("errors", errors);
    return accessForm(model);
  }

  private String accessForm(Model model) {
    Map<String, List<AccessCatalogue.SystemEntitlement>> bySystem = new LinkedHashMap<>();
    catalogue.entitlements().stream().filter(e -> e.entitlement().isRequestable())
        .forEach(e -> bySystem.computeIfAbsent(e.systemId(), k -> new ArrayList<>()).add(e));
    model.addAttribute("entitlementsBySystem", bySystem);
    model.addAttribute("systemNames", systemNames());
    return "portal/access-form";
  }

  // ---------------------------------------------------------------- helpers

  private Map<String, String> systemNames() {
    Map<String, String> names = new LinkedHashMap<>();
    systems.all().forEach(s -> names.put(s.id(), s.name() + " (" + s.tier().value() + ")"));
    return names;
  }

  private String systemName(String id) {
    return systems.find(id).map(FinancialSystem::name).orElse(id);
  }

  private static List<String> authorities(Authentication authentication) {
    return authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList();
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static List<String> lines(String text) {
    if (text == null) {
      return List.of();
    }
    return text.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
  }
}
