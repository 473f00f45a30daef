package org.itgc.change;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.web.BadRequestException;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.itgc.platform.web.NotFoundException;
import org.itgc.systems.SystemsInventory;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Change management over HTTP: requests, evidence, deployments, source-control webhooks and reconciliation. */
@RestController
class ChangeController {

  /** The roles that take part in change control and may read any change's evidence. */
  private final ChangeService changes;
  private final ChangeEvidence evidence;
  private final DeploymentReconciliation reconciliation;
  private final SourceControlWebhooks webhooks;
  private final ChangeValidation validation;
  private final SystemsInventory systems;
  private final AuditRecorder audit;
  private final java.time.Clock clock;

  ChangeController(ChangeService changes, ChangeEvidence evidence, DeploymentReconciliation reconciliation,
      SourceControlWebhooks webhooks, ChangeValidation validation, SystemsInventory systems, AuditRecorder audit,
      java.time.Clock clock) {
    this.clock = clock;
    this.changes = changes;
    this.evidence = evidence;
    this.reconciliation = reconciliation;
    this.webhooks = webhooks;
    this.validation = validation;
    this.systems = systems;
    this.audit = audit;
  }

  /** A change request as clients send it; date-times are ISO-8601 (with offset, or local to the business calendar). */
  record ChangeRequestBody(String title, String systemId, String changeType, String standardChangeType,
      String description, String justification,
      Boolean touchesFinancialData, String implementationPlan, Boolean hasTestedRollback, String rollbackPlan,
      String plannedStart, String plannedEnd, String repository, List<String> commits, String testEvidence,
      List<String> testEvidenceLinks) {}

  @PostMapping("/api/changes")
  ResponseEntity<Map<String, String>> submit(@RequestBody ChangeRequestBody body, Authentication authentication) {
    List<FieldError> errors = new ArrayList<>();
    Instant start = instant(errors, "plannedStart", body.plannedStart());
    Instant end = instant(errors, "plannedEnd", body.plannedEnd());
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    var input = new ChangeRequestInput(body.title(), body.systemId(), body.changeType(), body.standardChangeType(),
        body.description(),
        body.justification(), Boolean.TRUE.equals(body.touchesFinancialData()), body.implementationPlan(),
        Boolean.TRUE.equals(body.hasTestedRollback()), body.rollbackPlan(), start, end, body.repository(),
        body.commits(), body.testEvidence(), body.testEvidenceLinks());
    List<String> groups = authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList();
    String id = changes.submit(input, authentication.getName(), groups);
    return ResponseEntity.created(URI.create("/api/changes/" + id)).body(Map.of("id", id));
  }

  private Instant instant(List<FieldError> errors, String field, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return validation.parseInstant(value);
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(field, "'" + value + "' is not a date and time such as 2026-12-05T22:00:00Z"));
      return null;
    }
  }

  /** The complete evidence of a change; readers are the roles that take part in change control, and the requester. */
  @GetMapping("/api/changes/{id}")
  ChangeEvidence.Evidence get(@PathVariable String id, Authentication authentication) {
    return evidence.readBy(id, authentication.getName(),
        authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList());
  }

  /** A production deployment reported by a pipeline. */
  record PipelineDeployment(String systemId, @org.itgc.platform.web.FitsColumn("change_deployment.repository") String repository,
      @NotBlank @org.itgc.platform.web.FitsColumn("change_deployment.external_ref") String reference, String deployedAt,
      @NotBlank @org.itgc.platform.web.FitsColumn("change_deployment.deployed_by") String deployedBy,
      @jakarta.validation.constraints.Size(max = 1000, message = "must list at most 1000 commits")
      @org.itgc.platform.web.FitsColumn(value = "change_deployment.commits", max = 64) List<String> commits, String changeId,
      @org.itgc.platform.web.FitsColumn("change_deployment.environment") String environment) {}

  @PostMapping("/api/changes/deployments")
  @PreAuthorize("hasAnyAuthority('deployer', 'engine-admin')")
  ResponseEntity<DeploymentReconciliation.Judgement> deployment(@Valid @RequestBody PipelineDeployment body) {
    if (body.environment() != null && !"production".equals(body.environment())) {
      throw new BadRequestException("environment", "only production deployments are reconciled");
    }
    if (body.systemId() == null && body.repository() == null) {
      throw new BadRequestException("systemId", "name the system or the repository");
    }
    if (body.systemId() != null && systems.find(body.systemId()).isEmpty()) {
      throw new BadRequestException("systemId", "'" + body.systemId() + "' is not a system of config/systems.yaml");
    }
    if (body.systemId() == null && systems.forRepository(body.repository()).isEmpty()) {
      throw new BadRequestException("repository", "'" + body.repository() + "' is not mapped to a financial system");
    }
    List<FieldError> errors = new ArrayList<>();
    Instant at = body.deployedAt() == null ? clock.instant() : instant(errors, "deployedAt", body.deployedAt());
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    var judgement = reconciliation.receive(new DeploymentReconciliation.Deployment("pipeline", body.reference(),
        body.repository(), body.systemId(), at, body.deployedBy(), body.commits() == null ? List.of() : body.commits(),
        List.of(), body.changeId(), null));
    return ResponseEntity.status(judgement.duplicate() ? 200 : 201).body(judgement);
  }

  @PostMapping("/api/webhooks/github")
  ResponseEntity<SourceControlWebhooks.Outcome> github(@RequestHeader(value = "X-GitHub-Event", required = false) String event,
      @RequestHeader(value = "X-Hub-Signature-256", required = false) String signature, HttpServletRequest request) {
    return ResponseEntity.accepted().body(webhooks.github(event, signature, request.getContentType(),
        RawWebhookBody.of(request), request.getRemoteAddr()));
  }

  @PostMapping("/api/webhooks/gitlab")
  ResponseEntity<SourceControlWebhooks.Outcome> gitlab(@RequestHeader(value = "X-Gitlab-Event", required = false) String event,
      @RequestHeader(value = "X-Gitlab-Token", required = false) String token, HttpServletRequest request) {
    return ResponseEntity.accepted().body(webhooks.gitlab(event, token, RawWebhookBody.of(request),
        request.getRemoteAddr()));
  }

  /** Every production deployment of a system in [from, to), with its change and approvals; JSON or CSV. */
  /** The reconciliation report's CSV columns (CM-05), one per deployment. */
  private static final org.itgc.platform.csv.Columns<DeploymentReconciliation.Row> RECONCILIATION_COLUMNS =
      org.itgc.platform.csv.Columns.of(DeploymentReconciliation.Row.class)
          .column("deployment_id", DeploymentReconciliation.Row::deploymentId)
          .column("system_id", DeploymentReconciliation.Row::systemId)
          .column("repository", DeploymentReconciliation.Row::repository)
          .column("source", DeploymentReconciliation.Row::source)
          .column("reference", DeploymentReconciliation.Row::reference)
          .column("deployed_at", DeploymentReconciliation.Row::deployedAt)
          .column("deployed_by", DeploymentReconciliation.Row::deployedBy)
          .column("commits", row -> String.join(" ", row.commits()))
          .column("change_ids", row -> String.join(" ", row.changeIds()))
          .column("matched", DeploymentReconciliation.Row::matched)
          .column("developer_differs", DeploymentReconciliation.Row::developerDiffers)
          .column("problem", DeploymentReconciliation.Row::problem)
          .column("exception_id", DeploymentReconciliation.Row::exceptionId)
          .column("approvals", row -> String.join(" | ", row.approvals()));

  @GetMapping("/api/changes/reconciliation")
  @PreAuthorize("hasAnyAuthority('auditor', 'governance-lead', 'it-approver', 'cab', 'engine-admin')")
  ResponseEntity<?> reconciliation(@RequestParam @NotNull String system, @RequestParam Instant from,
      @RequestParam Instant to, @RequestParam(defaultValue = "json") String format) {
    if (systems.find(system).isEmpty()) {
      throw new NotFoundException("system", system);
    }
    if (!from.isBefore(to)) {
      throw new BadRequestException("to", "must be after from");
    }
    if (!List.of("json", "csv").contains(format)) {
      throw new BadRequestException("format", "must be json or csv");
    }
    var rows = reconciliation.report(system, from, to);
    audit.record(AuditEvent.of("change.reconciliation.read", "system", system).detail("from", from.toString())
        .detail("to", to.toString()).detail("rows", rows.size()).build());
    if ("json".equals(format)) {
      return ResponseEntity.ok(rows);
    }
    return org.itgc.platform.csv.Csv.download("reconciliation-" + system + ".csv", RECONCILIATION_COLUMNS.names(),
        RECONCILIATION_COLUMNS.rows(rows));
  }

}
