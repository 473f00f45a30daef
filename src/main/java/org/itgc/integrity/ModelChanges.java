package org.itgc.integrity;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.persistence.entity.DeploymentEntity;
import org.camunda.bpm.engine.repository.Deployment;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.camunda.bpm.model.dmn.Dmn;
import org.camunda.bpm.model.dmn.instance.Decision;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.change.ChangeRequestInput;
import org.itgc.change.ChangeService;
import org.itgc.controls.ControlExceptions;
import org.itgc.platform.Hashes;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.itgc.systems.SystemsInventory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Model changes are changes. A deployment of BPMN, DMN or form files (from Camunda Modeler, or a rollback to an
 * earlier version) does not go live: it opens a change request of system {@value #SYSTEM} holding the files, their
 * SHA-256, the versions they replace and a readable diff ({@link ModelDiff}). The author is its requester, so the
 * change process's own segregation of duties keeps them from approving it; criticality and approvals come from
 * {@code change-criticality} as for any change. When the last approval is given, the server deploys exactly the
 * approved bytes (their hashes checked again) and records who approved and what was deployed.
 */
@Service
public class ModelChanges {

  static final String SYSTEM = "ITGC-ENGINE";
  private static final int MAX_FILES = 50;
  private static final int MAX_FILE_BYTES = 2 * 1024 * 1024;

  /** One file of a model change. */
  public record ModelFile(String name, byte[] content) {}

  /** A file as stored with its change. */
  public record StoredFile(String name, String sha256, List<String> modelKeys, String replacesDeploymentId,
      String replacesSha256, List<String> diff) {}

  private final ChangeService changes;
  private final RepositoryService repository;
  private final ProcessEngineConfigurationImpl engine;
  private final JdbcTemplate jdbc;
  private final AuditRecorder audit;
  private final ControlExceptions exceptions;
  private final SystemsInventory systems;
  private final TransactionTemplate transactions;
  private final Clock clock;
  private final org.camunda.bpm.engine.IdentityService identity;

  ModelChanges(ChangeService changes, RepositoryService repository, ProcessEngineConfigurationImpl engine,
      JdbcTemplate jdbc, AuditRecorder audit, ControlExceptions exceptions, SystemsInventory systems,
      TransactionTemplate transactions, Clock clock, org.camunda.bpm.engine.IdentityService identity) {
    this.identity = identity;
    this.changes = changes;
    this.repository = repository;
    this.engine = engine;
    this.jdbc = jdbc;
    this.audit = audit;
    this.exceptions = exceptions;
    this.systems = systems;
    this.transactions = transactions;
    this.clock = clock;
  }

  // ---------------------------------------------------------------- open

  /** Validates the files and opens their model change; returns the change id. Bad files: 400 naming each. */
  public String open(String author, String title, List<ModelFile> files) {
    List<FieldError> errors = new ArrayList<>();
    if (files.isEmpty()) {
      errors.add(new FieldError("files", "name at least one .bpmn, .dmn or .form file"));
    }
    if (files.size() > MAX_FILES) {
      errors.add(new FieldError("files", "at most " + MAX_FILES + " files in one model change"));
    }
    List<PreparedFile> prepared = new ArrayList<>();
    for (ModelFile file : files) {
      try {
        prepared.add(prepare(file));
      } catch (InvalidInputException e) {
        errors.addAll(e.errors());
      }
    }
    if (errors.isEmpty()) {
      errors.addAll(controlFactProblems(prepared));
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    Instant start = clock.instant().plus(Duration.ofDays(2));
    StringBuilder description = new StringBuilder("Model change of " + files.size() + " file(s):\n");
    StringBuilder hashes = new StringBuilder();
    for (var file : prepared) {
      description.append("\n").append(file.name()).append(" (sha256 ").append(file.sha256())
          .append(file.replacesDeploymentId() == null ? ", new" : ", replaces deployment "
              + file.replacesDeploymentId()).append("):\n");
      List<String> diff = file.diff();
      diff.stream().limit(200).forEach(line -> description.append("  ").append(line).append("\n"));
      if (diff.isEmpty()) {
        description.append("  no difference to the deployed version\n");
      }
      hashes.append(file.name()).append(" sha256 ").append(file.sha256()).append("; ");
    }
    String text = description.length() > 3900 ? description.substring(0, 3900) + "\n(diff continues in "
        + "GET /api/model-changes/<id>)" : description.toString();
    var input = new ChangeRequestInput(truncate("Model change: " + title, 200), SYSTEM, "normal", null, text,
        "Change to the engine's controls as models, deployed by " + author + " from Camunda Modeler",
        true, "On approval the server deploys exactly these bytes: " + hashes.toString().strip(), true,
        "An approved model change that redeploys the previous version (POST /api/model-changes/rollback)",
        start, start.plus(Duration.ofHours(1)), null, List.of(),
        "Each file parsed by the engine's own parsers before the change was opened: " + hashes.toString().strip(),
        List.of());
    String changeId = changes.submitForServer(input, author);
    for (var file : prepared) {
      jdbc.update(con -> {
        var ps = con.prepareStatement("""
            insert into model_change_file (change_id, resource_name, content, sha256, model_keys, replaces_deployment_id,
                replaces_sha256, diff) values (?, ?, ?, ?, ?, ?, ?, ?)
            """);
        ps.setString(1, changeId);
        ps.setString(2, file.name());
        ps.setBytes(3, file.content());
        ps.setString(4, file.sha256());
        ps.setArray(5, con.createArrayOf("varchar", file.keys().toArray()));
        ps.setString(6, file.replacesDeploymentId());
        ps.setString(7, file.replacesSha256());
        ps.setString(8, String.join("\n", file.diff()));
        return ps;
      });
    }
    audit.record(AuditEvent.of("model.change-open", "change", changeId).actor(author, null)
        .detail("files", prepared.stream().map(f -> f.name() + " " + f.sha256()).toList()).build());
    return changeId;
  }

  /** A model file a release changed at start: its bytes, the version it replaces (as tracked) and the diff. */
  public record ReleasedFile(String name, byte[] content, String previousSha256, String diff) {}

  /**
   * A release whose models differ from the ones the engine last ran with: the repository's models went live at start
   * (the release baseline) without the approvals a model change needs, so they are recorded as a model change of
   * ITGC-ENGINE of type emergency, live before approval: someone other than the release confirms the deployment, and
   * the approvals follow within the business days of CM-04 (a missed deadline is an exception). Nothing is deployed
   * again on approval (the deployment is recorded now). Returns the change id.
   */
  public String recordRelease(List<ReleasedFile> files) {
    Instant now = clock.instant();
    StringBuilder description = new StringBuilder("The release deployed at start changed " + files.size()
        + " model file(s) the engine last ran with:\n");
    StringBuilder hashes = new StringBuilder();
    for (ReleasedFile file : files) {
      String sha = Hashes.sha256(file.content());
      description.append("\n").append(file.name()).append(" (sha256 ").append(sha).append(", replaces ")
          .append(file.previousSha256()).append("):\n");
      file.diff().lines().limit(200).forEach(line -> description.append("  ").append(line).append("\n"));
      hashes.append(file.name()).append(" sha256 ").append(sha).append("; ");
    }
    String text = description.length() > 3900 ? description.substring(0, 3900) + "\n(diff continues in "
        + "GET /api/model-changes/<id>)" : description.toString();
    var input = new ChangeRequestInput(truncate("Release changed the engine's models: " + files.stream()
        .map(ReleasedFile::name).collect(java.util.stream.Collectors.joining(", ")), 200), SYSTEM, "emergency", null, text,
        "The repository's models are the release baseline deployed at start; a release that changes them changes the "
        + "engine's controls and needs the approvals of a model change afterwards",
        true, "Deployed at start by the release: " + hashes.toString().strip(), true,
        "An approved model change that redeploys the previous version (POST /api/model-changes/rollback)",
        now, now.plus(Duration.ofHours(1)), null, List.of(),
        "Each file parsed and deployed by the engine at start: " + hashes.toString().strip(), List.of());
    String changeId = changes.submitForServer(input, RELEASE_ACTOR);
    List<String> deployments = new ArrayList<>();
    for (ReleasedFile file : files) {
      List<String> keys = parse(file.name().substring(file.name().lastIndexOf('/') + 1), file.content());
      var deployed = deployedVersion(file.name().substring(file.name().lastIndexOf('/') + 1), keys);
      if (deployed != null) {
        deployments.add(deployed.getKey());
      }
      jdbc.update(con -> {
        var ps = con.prepareStatement("""
            insert into model_change_file (change_id, resource_name, content, sha256, model_keys, replaces_deployment_id,
                replaces_sha256, diff) values (?, ?, ?, ?, ?, null, ?, ?)
            """);
        ps.setString(1, changeId);
        ps.setString(2, file.name());
        ps.setBytes(3, file.content());
        ps.setString(4, Hashes.sha256(file.content()));
        ps.setArray(5, con.createArrayOf("varchar", keys.toArray()));
        ps.setString(6, file.previousSha256());
        ps.setString(7, file.diff());
        return ps;
      });
    }
    // already live: the approval that follows records itself and deploys nothing
    jdbc.update("insert into model_change_deployment (change_id, deployment_id, deployed_at, approvers, problem) "
        + "values (?, ?, ?, ?, null)", changeId, deployments.isEmpty() ? null : String.join(",", deployments),
        Timestamp.from(now), "none before deployment: deployed by the release at start, approvals follow (CM-04)");
    audit.record(AuditEvent.system("model.release-change-open", "change", changeId)
        .detail("files", files.stream().map(f -> f.name() + " " + Hashes.sha256(f.content())).toList())
        .detail("deployments", deployments).build());
    return changeId;
  }

  /**
   * The rules of {@link ControlFactRules} over what the change would make live: each submitted process, and each
   * deployed process that uses a submitted form, with the submitted forms in place of the deployed ones. A model
   * change that lets an approver write a control fact or steer a gateway is refused before anyone approves it.
   */
  private List<FieldError> controlFactProblems(List<? extends NamedContent> prepared) {
    Map<String, Set<String>> submittedForms = new HashMap<>();
    Map<String, String> formFiles = new HashMap<>();
    Map<String, BpmnModelInstance> models = new LinkedHashMap<>();
    Map<String, String> modelFiles = new HashMap<>();
    Set<String> submittedKeys = new HashSet<>();
    for (var file : prepared) {
      String name = file.name();
      byte[] content = file.content();
      if (name.endsWith(".form")) {
        try {
          var form = new com.fasterxml.jackson.databind.ObjectMapper().readTree(content);
          submittedForms.put(form.get("id").asText(), FormFields.keys(form));
          formFiles.put(form.get("id").asText(), name);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e); // parsed once already in prepare
        }
      } else if (name.endsWith(".bpmn")) {
        var model = Bpmn.readModelFromStream(new ByteArrayInputStream(content));
        models.put(name, model);
        modelFiles.put(name, name);
        model.getModelElementsByType(Process.class).forEach(p -> submittedKeys.add(p.getId()));
      }
    }
    if (!submittedForms.isEmpty()) {
      org.itgc.platform.AsServer.run(identity, () -> {
        for (var definition : repository.createProcessDefinitionQuery().latestVersion().list()) {
          if (submittedKeys.contains(definition.getKey())) {
            continue;
          }
          var model = repository.getBpmnModelInstance(definition.getId());
          List<String> usedForms = model.getModelElementsByType(UserTask.class).stream()
              .map(UserTask::getCamundaFormRef).filter(submittedForms::containsKey).distinct().toList();
          if (!usedForms.isEmpty()) {
            String label = definition.getResourceName() + " (deployed) with " + String.join(", ",
                usedForms.stream().map(formFiles::get).toList());
            models.put(label, model);
            modelFiles.put(label, String.join(", ", usedForms.stream().map(formFiles::get).toList()));
          }
        }
      });
    }
    List<FieldError> errors = new ArrayList<>();
    for (var model : models.entrySet()) {
      for (String problem : ControlFactRules.problems(model.getKey(), model.getValue(),
          formId -> submittedForms.containsKey(formId) ? submittedForms.get(formId) : deployedFormFields(formId))) {
        errors.add(new FieldError(modelFiles.get(model.getKey()), problem
            + ": the server decides that, no person's form may set it"));
      }
    }
    return errors;
  }

  /** The fields of the latest deployed Camunda Form of an id; none when no such form is deployed. */
  Set<String> deployedFormFields(String formId) {
    var deployed = deployedVersion(formId + ".form", List.of(formId));
    if (deployed == null) {
      return Set.of();
    }
    try {
      return FormFields.keys(new com.fasterxml.jackson.databind.ObjectMapper().readTree(deployed.getValue()));
    } catch (IOException e) {
      return Set.of();
    }
  }

  /** The requester of a release's model change: the release itself, so that no person is both. */
  public static final String RELEASE_ACTOR = ChangeService.RELEASE_REQUESTER;

  /** A file's name and bytes: what the control-fact rules read of a submitted or a stored file. */
  interface NamedContent {
    String name();

    byte[] content();
  }

  /** A submitted file, parsed and compared with what is deployed, before it is stored with its model change. */
  record PreparedFile(String name, byte[] content, String sha256, List<String> keys, String replacesDeploymentId,
      String replacesSha256, List<String> diff) implements NamedContent {}

  /** A file's approved bytes as stored (model_change_file): what is deployed once the change is approved. */
  record ApprovedBytes(String name, byte[] content, String sha256) implements NamedContent {}

  private PreparedFile prepare(ModelFile file) {
    String name = file.name() == null ? "" : file.name().strip();
    if (!name.matches("[A-Za-z0-9._-]{1,200}\\.(bpmn|dmn|form)")) {
      throw InvalidInputException.of(name.isEmpty() ? "file" : name,
          "is not a model file: a name of letters, digits, '.', '_' or '-' ending in .bpmn, .dmn or .form");
    }
    if (file.content().length > MAX_FILE_BYTES) {
      throw InvalidInputException.of(name, "is larger than " + MAX_FILE_BYTES + " bytes");
    }
    List<String> keys = parse(name, file.content());
    var replaced = deployedVersion(name, keys);
    List<String> diff;
    try {
      diff = ModelDiff.of(name, replaced == null ? null : replaced.getValue(), file.content());
    } catch (IOException e) {
      throw InvalidInputException.of(name, e.getMessage());
    }
    return new PreparedFile(name, file.content(), Hashes.sha256(file.content()), keys,
        replaced == null ? null : replaced.getKey(), replaced == null ? null : Hashes.sha256(replaced.getValue()), diff);
  }

  /** Parses a file with the engine's own parsers; returns the keys it defines. */
  List<String> parse(String name, byte[] content) {
    try {
      if (name.endsWith(".bpmn")) {
        var model = Bpmn.readModelFromStream(new ByteArrayInputStream(content));
        List<String> keys = model.getModelElementsByType(Process.class).stream().map(Process::getId).toList();
        engine.getCommandExecutorTxRequired().execute(context -> {
          var parser = new org.camunda.bpm.engine.impl.bpmn.parser.BpmnParser(engine.getExpressionManager(),
              engine.getBpmnParseFactory());
          var parse = parser.createParse().sourceInputStream(new ByteArrayInputStream(content))
              .deployment(new DeploymentEntity()).name(name);
          parse.execute();
          return null;
        });
        return keys;
      }
      if (name.endsWith(".dmn")) {
        var model = Dmn.readModelFromStream(new ByteArrayInputStream(content));
        engine.getDmnEngine().parseDecisionRequirementsGraph(new ByteArrayInputStream(content));
        return model.getModelElementsByType(Decision.class).stream().map(Decision::getId).toList();
      }
      var form = new com.fasterxml.jackson.databind.ObjectMapper().readTree(content);
      if (!form.hasNonNull("id") || !form.path("components").isArray()) {
        throw InvalidInputException.of(name, "is not a Camunda Form: it needs an id and components");
      }
      return List.of(form.get("id").asText());
    } catch (InvalidInputException e) {
      throw e;
    } catch (RuntimeException | IOException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw InvalidInputException.of(name, "cannot be parsed: " + message.replaceAll("\\s+", " "));
    }
  }

  /** The deployment id and bytes of the resource of that name that defines the latest version of the file's keys. */
  private Map.Entry<String, byte[]> deployedVersion(String name, List<String> keys) {
    String deploymentId = null;
    if (name.endsWith(".bpmn") && !keys.isEmpty()) {
      var definition = repository.createProcessDefinitionQuery().processDefinitionKey(keys.get(0)).latestVersion()
          .singleResult();
      deploymentId = definition == null ? null : definition.getDeploymentId();
      name = definition == null ? name : definition.getResourceName();
    } else if (name.endsWith(".dmn") && !keys.isEmpty()) {
      var definition = repository.createDecisionDefinitionQuery().decisionDefinitionKey(keys.get(0)).latestVersion()
          .singleResult();
      deploymentId = definition == null ? null : definition.getDeploymentId();
      name = definition == null ? name : definition.getResourceName();
    } else if (!keys.isEmpty()) {
      // Camunda Forms have no definition query in the public API: their table, read-only
      var definition = jdbc.query("select deployment_id_, resource_name_ from act_re_camformdef where key_ = ? "
          + "order by version_ desc limit 1", (rs, i) -> new String[] {rs.getString(1), rs.getString(2)}, keys.get(0));
      deploymentId = definition.isEmpty() ? null : definition.get(0)[0];
      name = definition.isEmpty() ? name : definition.get(0)[1];
    }
    if (deploymentId == null) {
      return null;
    }
    try (InputStream in = repository.getResourceAsStream(deploymentId, name)) {
      return Map.entry(deploymentId, in.readAllBytes());
    } catch (IOException | ProcessEngineException e) {
      return null;
    }
  }

  // ---------------------------------------------------------------- deploy on approval

  /** After the approving transaction commits: deploy exactly the approved bytes of a model change. */
  @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
  void approved(ChangeService.ChangeApproved approved) {
    if (!SYSTEM.equals(approved.systemId())) {
      return;
    }
    // the server deploys, not the approver whose completion this follows
    org.itgc.platform.AsServer.run(identity, () -> transactions.execute(status -> {
      deploy(approved.changeId());
      return null;
    }));
  }

  void deploy(String changeId) {
    List<ApprovedBytes> files = jdbc.query(
        "select resource_name, content, sha256 from model_change_file where change_id = ? order by resource_name",
        (rs, i) -> new ApprovedBytes(rs.getString("resource_name"), rs.getBytes("content"), rs.getString("sha256")),
        changeId);
    if (files.isEmpty() || jdbc.queryForObject("select count(*) from model_change_deployment where change_id = ?",
        Integer.class, changeId) > 0) {
      return;
    }
    List<String> approvers = changes.approvers(changeId);
    String problem = null;
    String deploymentId = null;
    for (var file : files) {
      if (!Hashes.sha256(file.content()).equals(file.sha256())) {
        problem = file.name() + ": the stored bytes no longer have the approved SHA-256";
      }
    }
    if (problem == null) {
      // checked again against what is live now: another change approved in between may combine with this one
      // (a form with a control fact, then a task switched to it)
      List<FieldError> broken = controlFactProblems(files);
      if (!broken.isEmpty()) {
        problem = "the control-fact rules refuse it against what is live now: " + String.join("; ",
            broken.stream().map(FieldError::reason).toList());
      }
    }
    if (problem == null) {
      try {
        var builder = repository.createDeployment().name("model change " + changeId).source("itgc-model-change");
        for (var file : files) {
          builder.addInputStream(file.name(), new ByteArrayInputStream(file.content()));
        }
        Deployment deployment = builder.deploy();
        deploymentId = deployment.getId();
      } catch (RuntimeException e) {
        problem = "the engine refused the approved models: " + e.getMessage();
      }
    }
    final String deployed = deploymentId;
    jdbc.update("insert into model_change_deployment (change_id, deployment_id, deployed_at, approvers, problem) "
        + "values (?, ?, ?, ?, ?)", changeId, deployed, Timestamp.from(clock.instant()), String.join(", ", approvers),
        problem);
    audit.record(AuditEvent.system("model.deploy", "change", changeId)
        .outcome(problem == null ? AuditEvent.Outcome.SUCCESS : AuditEvent.Outcome.FAILURE)
        .detail("deploymentId", deployed).detail("approvers", approvers)
        .detail("files", files.stream().map(f -> f.name() + " " + f.sha256()).toList())
        .detail("problem", problem).build());
    if (problem != null) {
      var system = systems.find(SYSTEM).orElseThrow();
      exceptions.raise("CM-03", "change", changeId, "Approved model change " + changeId + " was not deployed: " + problem,
          Map.of("problem", problem), List.of(system.businessOwner().email(), system.technicalOwner().email()));
    }
  }

  // ---------------------------------------------------------------- rollback and reads

  /** An approved redeploy of an earlier version: a model change holding that version's bytes. */
  public String rollback(String author, String deploymentId, String resourceName) {
    byte[] content;
    try (InputStream in = repository.getResourceAsStream(deploymentId, resourceName)) {
      content = in.readAllBytes();
    } catch (IOException | ProcessEngineException e) {
      throw InvalidInputException.of("resourceName", "deployment " + deploymentId + " has no resource '" + resourceName
          + "'");
    }
    return open(author, "roll " + resourceName + " back to deployment " + deploymentId,
        List.of(new ModelFile(resourceName, content)));
  }

  /** The model changes waiting for their approvals (status requested), newest first: one page and how many. */
  public org.itgc.platform.web.Slice<ChangeService.ChangeSummary> pending(int offset, int limit) {
    return changes.search(new ChangeService.Search(null, SYSTEM, org.itgc.change.ChangeProcess.Status.REQUESTED, null,
        null), offset, limit);
  }

  public List<StoredFile> files(String changeId) {
    return jdbc.query("""
        select resource_name, sha256, model_keys, replaces_deployment_id, replaces_sha256, diff from model_change_file
        where change_id = ? order by resource_name
        """, (rs, i) -> new StoredFile(rs.getString(1), rs.getString(2),
        List.of((String[]) rs.getArray(3).getArray()), rs.getString(4), rs.getString(5),
        rs.getString(6).isEmpty() ? List.of() : List.of(rs.getString(6).split("\n"))), changeId);
  }

  /**
   * The deployment of an approved model change (model_change_deployment), with the columns' names in JSON, the database
   * timestamp's format the API always had (a column without a value is left out, as it always was).
   */
  public record ModelDeployment(@com.fasterxml.jackson.annotation.JsonProperty("deployment_id") String deploymentId,
      @com.fasterxml.jackson.annotation.JsonProperty("deployed_at") @org.itgc.platform.web.ColumnTimestamp
      Instant deployedAt, String approvers, String problem) {}

  public ModelDeployment deployment(String changeId) {
    var rows = jdbc.query("select deployment_id, deployed_at, approvers, problem from model_change_deployment "
        + "where change_id = ?", (rs, i) -> new ModelDeployment(rs.getString("deployment_id"),
        rs.getTimestamp("deployed_at").toInstant(), rs.getString("approvers"), rs.getString("problem")),
        changeId);
    return rows.isEmpty() ? null : rows.get(0);
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max);
  }
}
