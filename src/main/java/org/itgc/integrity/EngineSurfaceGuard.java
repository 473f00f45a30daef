package org.itgc.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.TaskService;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.change.ChangeService;
import org.itgc.notify.Notifier;
import org.itgc.platform.RefusalCapture;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.Role;
import org.itgc.security.UserAccounts;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Keeps people to the engine's task and start surfaces, on {@code /engine-rest} and on Tasklist's and Cockpit's own
 * REST API alike (see {@link EngineOperation} for what is what):
 * <ul>
 *   <li>a completion ({@code complete}, {@code submit-form}) or a start takes exactly the fields its deployed form
 *       declares: any other variable, a business key, start instructions or a serialized object is a 400 naming
 *       the field, audited, and nothing reaches the engine;</li>
 *   <li>every other write (variables, modification, deletion, suspension, jobs, messages, users...) is a 403,
 *       audited, unless an engine admin names an active emergency change in the {@value #BREAK_GLASS} header
 *       (break-glass): then it runs, is audited and mailed to the governance leads and the auditors;</li>
 *   <li>a governance lead's model deployment opens a model change ({@link ModelChanges}) instead of going live;
 *       anyone else's is refused;</li>
 *   <li>the engine's own 403s are audited; a refusal inside a task listener (segregation of duties, a missing field)
 *       is answered as what it is on Tasklist's API too (not as the engine's 500 wrapper), and the task a refused
 *       user had claimed is released so that the rightful approver can take it.</li>
 * </ul>
 */
class EngineSurfaceGuard extends OncePerRequestFilter {

  static final String BREAK_GLASS = "X-ITGC-Break-Glass";
  private static final java.util.regex.Pattern BREAK_GLASS_NEVER =
      java.util.regex.Pattern.compile("(user|group|tenant|authorization|identity)(/|$)");
  private static final int MAX_BODY = 2 * 1024 * 1024;
  private static final Set<String> COMPLETION_KEYS = Set.of("variables", "withVariablesInReturn");
  private static final Set<String> START_KEYS = Set.of("variables", "withVariablesInReturn");
  private static final Set<String> VALUE_TYPES = Set.of("string", "boolean", "integer", "long", "short", "double",
      "date", "null", "json");

  private final FormFields forms;
  private final ModelChanges models;
  private final AuditRecorder audit;
  private final ChangeService changes;
  private final Notifier notifier;
  private final UserAccounts users;
  private final TaskService tasks;
  private final IdentityService identity;
  private final ObjectMapper json;

  /** The application's engine ({@code camunda.bpm.process-engine-name}): its named paths are judged like the default's. */
  private final String engineName;

  EngineSurfaceGuard(FormFields forms, ModelChanges models, AuditRecorder audit, ChangeService changes, Notifier notifier, UserAccounts users,
      TaskService tasks, IdentityService identity, ObjectMapper json, String engineName) {
    this.engineName = engineName;
    this.forms = forms;
    this.models = models;
    this.audit = audit;
    this.changes = changes;
    this.notifier = notifier;
    this.users = users;
    this.tasks = tasks;
    this.identity = identity;
    this.json = json;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    var found = EngineOperation.of(request.getMethod(), request.getRequestURI().substring(request.getContextPath().length()),
        engineName);
    if (found.isEmpty()) {
      chain.doFilter(request, response);
      return;
    }
    EngineOperation operation = found.get();
    long[] before = org.itgc.audit.RecordedOnThisThread.now();
    try {
      switch (operation.kind()) {
        case READ, FILTER -> passAuditingRefusals(operation, request, response, chain);
        case TASK_WORK -> claimForOneselfThenPass(operation, request, response, chain);
        case COMPLETE, START -> checkFieldsThenPass(operation, request, response, chain);
        case DEPLOY -> modelChange(operation, request, response);
        case WRITE -> breakGlassOrRefuse(operation, request, response, chain);
      }
    } finally {
      if (operation.kind() != EngineOperation.Kind.READ) {
        leaveAnEvent(operation, request, response, before);
      }
    }
  }

  /**
   * Every request that would change the engine's state leaves an audit event, allowed or refused: the engine's own
   * (its user operation log, a refusal recorded above) or, where none was recorded, one naming the request and its
   * answer. A failed request needs one in a transaction of its own (the command's may have rolled back).
   */
  private void leaveAnEvent(EngineOperation operation, HttpServletRequest request, HttpServletResponse response,
      long[] before) {
    long[] after = org.itgc.audit.RecordedOnThisThread.now();
    int status = response.getStatus();
    boolean recorded = status < 400 ? after[0] > before[0] : after[1] > before[1];
    if (recorded) {
      return;
    }
    var outcome = status < 400 ? AuditEvent.Outcome.SUCCESS
        : status == 401 || status == 403 ? AuditEvent.Outcome.DENIED : AuditEvent.Outcome.FAILURE;
    audit.recordIndependently(AuditEvent.of("engine.request", "engine-endpoint", truncate(operation.describe()))
        .outcome(outcome).detail("method", request.getMethod()).detail("status", status).build());
  }

  // ---------------------------------------------------------------- reads and task work

  private void passAuditingRefusals(EngineOperation operation, HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    chain.doFilter(request, response);
    if (response.getStatus() == 403) {
      audit.recordIndependently(AuditEvent.of("engine.access-denied", "engine-endpoint", truncate(operation.describe()))
          .denied("refused by the engine's authorizations").build());
    }
  }

  /**
   * A claim names who takes the task: only oneself. Handing a task to someone outside its candidates would let them
   * complete it (the engine gives an assignee the right to), past "one person, one approval".
   */
  private void claimForOneselfThenPass(EngineOperation operation, HttpServletRequest request,
      HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
    if (operation.path().endsWith("/unclaim")) {
      String holder = holderOf(operation.taskId());
      if (holder != null && !holder.equals(currentUser())) {
        // otherwise a candidate could unclaim the holder, then claim it for themselves (a named line manager's task)
        refuse(request, response, operation, 403, "Task " + operation.taskId() + " is claimed by " + holder
            + "; only they unclaim it.", null);
        return;
      }
    }
    if (!operation.path().endsWith("/claim")) {
      passAuditingRefusals(operation, request, response, chain);
      return;
    }
    byte[] body = request.getInputStream().readNBytes(64 * 1024 + 1);
    String user = currentUser();
    String claimant = null;
    try {
      JsonNode root = body.length == 0 ? null : json.readTree(body);
      claimant = root == null ? null : root.path("userId").asText(null);
    } catch (IOException e) {
      refuse(request, response, operation, 400, "The claim is not valid JSON.",
          List.of(new InvalidInputException.FieldError("body", "is not valid JSON")));
      return;
    }
    if (body.length > 64 * 1024 || claimant == null || !claimant.equals(user)) {
      refuse(request, response, operation, 403, "A task is claimed by the user who will work on it, for themselves.",
          List.of(new InvalidInputException.FieldError("userId", "must be your own user name")));
      return;
    }
    String holder = holderOf(operation.taskId());
    if (holder != null && !holder.equals(user)) {
      // Camunda answers this with a 500 (TaskAlreadyClaimedException): it is a conflict, and says who holds it
      refuse(request, response, operation, 409, "Task " + operation.taskId() + " is already claimed by " + holder
          + "; it can be claimed when they unclaim it.", null);
      return;
    }
    passAuditingRefusals(operation, new CachedBody(request, body), response, chain);
  }

  // ---------------------------------------------------------------- completions and starts

  private void checkFieldsThenPass(EngineOperation operation, HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
    if (body.length > MAX_BODY) {
      refuse(request, response, operation, 413, "The request body is larger than " + MAX_BODY + " bytes.", null);
      return;
    }
    var declared = operation.kind() == EngineOperation.Kind.COMPLETE ? forms.ofTask(operation.taskId())
        : forms.ofStart(operation.processDefinitionKey(), operation.processDefinitionId());
    if (declared.isEmpty()) {
      // no such task or process (as the server sees it): nothing is forwarded unchecked
      refuse(request, response, operation, 404, operation.kind() == EngineOperation.Kind.COMPLETE
          ? "There is no task " + operation.taskId() + "." : "There is no process to start there.", null);
      return;
    }
    List<InvalidInputException.FieldError> errors = undeclared(operation.kind(), body, declared.get(), json);
    if (!errors.isEmpty()) {
      if (operation.kind() == EngineOperation.Kind.COMPLETE) {
        // a completion that tries to set what its form does not declare is an attempt, not a typo: the task goes
        // back to its candidates before the answer leaves (a listener's 400 for a missing comment keeps the claim,
        // so the user can correct it)
        release(operation.taskId(), currentUser());
      }
      refuse(request, response, operation, 400, "Only the fields of form " + declared.get().formId()
          + " may be submitted here.", errors);
      return;
    }
    if (operation.kind() == EngineOperation.Kind.START) {
      passAuditingRefusals(operation, new CachedBody(request, body), response, chain);
      return;
    }
    completeReportingRefusals(operation, new CachedBody(request, body), response, chain);
  }

  /** What a completion or start body carries beyond its form's fields: each field at fault, with the reason. */
  static List<InvalidInputException.FieldError> undeclared(EngineOperation.Kind kind, byte[] body,
      FormFields.Declared form, ObjectMapper json) {
    List<InvalidInputException.FieldError> errors = new ArrayList<>();
    if (body.length == 0) {
      return errors;
    }
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (IOException e) {
      errors.add(new InvalidInputException.FieldError("body", "is not valid JSON"));
      return errors;
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return errors;
    }
    if (!root.isObject()) {
      errors.add(new InvalidInputException.FieldError("body", "must be a JSON object"));
      return errors;
    }
    Set<String> allowedKeys = kind == EngineOperation.Kind.COMPLETE ? COMPLETION_KEYS : START_KEYS;
    root.fieldNames().forEachRemaining(key -> {
      if (!allowedKeys.contains(key)) {
        errors.add(new InvalidInputException.FieldError(key, key.equals("businessKey")
            ? "is made by the server: a start names no business key"
            : "cannot be set by a client: only the form's fields (in variables) may be submitted"));
      }
    });
    JsonNode variables = root.path("variables");
    if (!variables.isMissingNode() && !variables.isNull() && !variables.isObject()) {
      errors.add(new InvalidInputException.FieldError("variables", "must be an object of fields"));
      return errors;
    }
    variables.fields().forEachRemaining(entry -> {
      String name = entry.getKey();
      if (!form.fields().contains(name)) {
        errors.add(new InvalidInputException.FieldError(name, "is not a field of form " + form.formId()
            + " (its fields: " + String.join(", ", form.fields()) + ")"));
        return;
      }
      String type = entry.getValue().path("type").asText("").toLowerCase(java.util.Locale.ROOT);
      if (!type.isEmpty() && !VALUE_TYPES.contains(type)) {
        errors.add(new InvalidInputException.FieldError(name, "has type " + entry.getValue().path("type").asText()
            + "; a form field is text, a number, a boolean or a date"));
      }
    });
    return errors;
  }

  /**
   * Completes, then answers a refusal inside a listener as what it is, and releases the task from the refused user.
   * Tasklist's API answers the listener's refusal as a 500 wrapper; its body is replaced by the refusal's message.
   */
  private void completeReportingRefusals(EngineOperation operation, HttpServletRequest request,
      HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
    var buffered = new ContentCachingResponseWrapper(response);
    RefusalCapture.reset();
    String user = currentUser();
    try {
      chain.doFilter(request, buffered);
    } finally {
      RuntimeException refusal = RefusalCapture.last();
      RefusalCapture.reset();
      if (refusal != null && buffered.getStatus() >= 400) {
        boolean forbidden = refusal instanceof AuthorizationException;
        if (forbidden) {
          release(operation.taskId(), user);
        }
        if (buffered.getStatus() >= 500) {
          buffered.resetBuffer();
          writeProblem(buffered, forbidden ? 403 : 400, refusal.getMessage(),
              refusal instanceof InvalidInputException invalid ? invalid.errors() : null);
        }
      }
      if (buffered.getStatus() == 403 && (refusal == null || (refusal instanceof AuthorizationException denied
          && !denied.getMissingAuthorizations().isEmpty()))) {
        // the engine's own authorization check (a listener's refusal is audited by the listener)
        audit.recordIndependently(AuditEvent.of("engine.access-denied", "engine-endpoint", truncate(operation.describe()))
            .denied("refused by the engine's authorizations").build());
      }
      buffered.copyBodyToResponse();
    }
  }

  /** Who holds a task (its assignee), read as the server; null when nobody does or there is no such task. */
  private String holderOf(String taskId) {
    return org.itgc.platform.AsServer.call(identity, () -> {
      var task = tasks.createTaskQuery().taskId(taskId).singleResult();
      return task == null ? null : task.getAssignee();
    });
  }

  private static final java.util.regex.Pattern TASK_PATH = java.util.regex.Pattern.compile("task/([^/?]+)");

  /** The process instance of the task a path names ("task/{id}/..."), or null. */
  private String instanceOfTaskIn(String path) {
    var matcher = TASK_PATH.matcher(path);
    if (!matcher.lookingAt()) {
      return null;
    }
    return org.itgc.platform.AsServer.call(identity, () -> {
      var task = tasks.createTaskQuery().taskId(matcher.group(1)).singleResult();
      return task == null ? null : task.getProcessInstanceId();
    });
  }

  /** A task stays with nobody rather than with the user whose completion was refused. */
  private void release(String taskId, String user) {
    org.itgc.platform.AsServer.run(identity, () -> {
      var task = tasks.createTaskQuery().taskId(taskId).singleResult();
      if (task != null && user != null && user.equals(task.getAssignee())) {
        tasks.setAssignee(taskId, null);
        audit.recordIndependently(AuditEvent.of("task.released-after-refusal", "task", taskId)
            .detail("user", user).detail("taskName", task.getName()).build());
      }
    });
  }


  // ---------------------------------------------------------------- deployments

  /**
   * A governance lead's deployment (Camunda Modeler's multipart form) opens a model change instead of going live;
   * the answer is not a 200, so that Modeler shows its message with the change id. Anyone else: refused.
   */
  private void modelChange(EngineOperation operation, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (!request.getRequestURI().startsWith(request.getContextPath() + "/engine-rest/")) {
      refuse(request, response, operation, 403, "Models are deployed from Camunda Modeler to /engine-rest only.", null);
      return;
    }
    if (!roles().contains(Role.GOVERNANCE_LEAD.groupId())) {
      refuse(request, response, operation, 403, "A model change is a change: only governance leads open one, and "
          + "nobody deploys directly.", null);
      return;
    }
    byte[] body = request.getInputStream().readNBytes(MAX_BODY * 10 + 1);
    if (body.length > MAX_BODY * 10) {
      refuse(request, response, operation, 413, "The deployment is larger than " + MAX_BODY * 10 + " bytes.", null);
      return;
    }
    List<ModelChanges.ModelFile> files = new ArrayList<>();
    String name = "Camunda Modeler deployment";
    try {
      var multipart = new jakarta.mail.internet.MimeMultipart(
          new jakarta.mail.util.ByteArrayDataSource(body, String.valueOf(request.getContentType())));
      for (int i = 0; i < multipart.getCount(); i++) {
        var part = multipart.getBodyPart(i);
        String[] disposition = part.getHeader("Content-Disposition");
        if (disposition == null || disposition.length == 0) {
          continue;
        }
        var parsed = new jakarta.mail.internet.ContentDisposition(disposition[0]);
        String field = parsed.getParameter("name");
        String fileName = parsed.getParameter("filename");
        byte[] content = part.getInputStream().readAllBytes();
        if (fileName != null) {
          files.add(new ModelChanges.ModelFile(fileName, content));
        } else if ("deployment-name".equals(field)) {
          name = new String(content, java.nio.charset.StandardCharsets.UTF_8).strip();
        }
      }
    } catch (jakarta.mail.MessagingException e) {
      refuse(request, response, operation, 400, "The deployment is not a multipart form.", List.of(
          new InvalidInputException.FieldError("body", "is not multipart/form-data with the model files")));
      return;
    }
    String changeId;
    try {
      changeId = models.open(currentUser(), name.isEmpty() ? "Camunda Modeler deployment" : name, files);
    } catch (InvalidInputException e) {
      refuse(request, response, operation, 400, "Not deployed, and no model change opened.", e.errors());
      return;
    }
    String message = "Not deployed: model change " + changeId + " is opened for approval. It goes live when approved "
        + "(the author cannot approve it); see /api/model-changes/" + changeId + ".";
    audit.recordIndependently(AuditEvent.of("engine.deployment-to-change", "change", changeId)
        .detail("files", files.stream().map(ModelChanges.ModelFile::name).toList()).build());
    var answer = new LinkedHashMap<String, Object>();
    answer.put("type", "about:blank");
    answer.put("title", "Model change opened");
    answer.put("status", 403);
    answer.put("detail", message);
    answer.put("message", message);
    answer.put("changeId", changeId);
    response.setStatus(403);
    response.setContentType("application/problem+json");
    json.writeValue(response.getOutputStream(), answer);
  }

  // ---------------------------------------------------------------- other writes

  private void breakGlassOrRefuse(EngineOperation operation, HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    String changeId = request.getHeader(BREAK_GLASS);
    if (changeId != null && !request.getRequestURI().startsWith(request.getContextPath() + "/engine-rest/")) {
      refuse(request, response, operation, 403, "Break-glass is on /engine-rest only.", null);
      return;
    }
    if (changeId != null && BREAK_GLASS_NEVER.matcher(operation.path()).lookingAt()) {
      refuse(request, response, operation, 403, "Users, groups, tenants and authorizations are never changed under "
          + "break-glass: engine roles change through role changes (four eyes).", null);
      return;
    }
    if (changeId == null || changeId.isBlank()) {
      refuse(request, response, operation, 403, "The engine's generic write surfaces are closed: use the task's form, "
          + "or (engine admins) break-glass naming an active emergency change in the " + BREAK_GLASS + " header.", null);
      return;
    }
    if (!roles().contains(Role.ENGINE_ADMIN.groupId())) {
      refuse(request, response, operation, 403, "Break-glass is for engine admins only.", null);
      return;
    }
    if (!changes.isActiveEmergencyChange(changeId.strip(), ModelChanges.SYSTEM, currentUser())) {
      refuse(request, response, operation, 403, "Break-glass must name an emergency change of ITGC-ENGINE that is "
          + "under way (approved or implemented, not closed), that a person declared (not a release at start), that "
          + "the admin neither requested nor implemented, and that another person has approved (its retrospective "
          + "CAB, IT or finance approval; not its requester or implementer) with nobody rejecting it.",
          null);
      return;
    }
    byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
    if (body.length > MAX_BODY) {
      refuse(request, response, operation, 413, "The request body is larger than " + MAX_BODY + " bytes.", null);
      return;
    }
    String ownInstance = changes.processInstanceOf(changeId.strip()).orElse("");
    if (!ownInstance.isEmpty() && (operation.path().contains(ownInstance)
        || new String(body, java.nio.charset.StandardCharsets.UTF_8).contains(ownInstance)
        || ownInstance.equals(instanceOfTaskIn(operation.path())))) {
      refuse(request, response, operation, 403, "Break-glass never reaches the process of the emergency change it "
          + "names: its remaining approvals are given on their tasks.", null);
      return;
    }
    // the engine runs it as the server (no authorization check: Camunda's administrators have no runtime rights of
    // their own); the application's audit trail names the admin, the change and what was done, body included
    String actor = currentUser();
    org.itgc.platform.AsServer.<Void, ServletException, IOException>callChecked(identity, () -> {
      chain.doFilter(new CachedBody(request, body), response);
      return null;
    });
    String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
    audit.recordIndependently(AuditEvent.of("engine.break-glass", "engine-endpoint", truncate(operation.describe()))
        .detail("changeId", changeId.strip()).detail("status", response.getStatus())
        .detail("bodySha256", org.itgc.platform.Hashes.sha256(body))
        .detail("body", text.length() > 2000 ? text.substring(0, 2000) + "..." : text).build());
    List<String> to = new ArrayList<>(users.emailsOf(Role.GOVERNANCE_LEAD));
    to.addAll(users.emailsOf(Role.AUDITOR));
    if (!to.isEmpty()) {
      notifier.send("engine-break-glass", to, Map.of("actor", String.valueOf(actor), "operation", operation.describe(),
          "changeId", changeId.strip(), "status", response.getStatus()));
    }
  }

  // ---------------------------------------------------------------- answers

  private void refuse(HttpServletRequest request, HttpServletResponse response, EngineOperation operation, int status,
      String detail, List<InvalidInputException.FieldError> errors) throws IOException {
    var event = AuditEvent.of("engine.write-refused", "engine-endpoint", truncate(operation.describe())).denied(detail);
    if (errors != null) {
      event.detail("fields", errors.stream().map(InvalidInputException.FieldError::field).toList());
    }
    if (operation.taskId() != null) {
      event.detail("taskId", operation.taskId());
    }
    audit.recordIndependently(event.build());
    writeProblem(response, status, detail, errors);
  }

  private void writeProblem(HttpServletResponse response, int status, String detail,
      List<InvalidInputException.FieldError> errors) throws IOException {
    var body = new LinkedHashMap<String, Object>();
    body.put("type", "about:blank");
    body.put("title", status == 400 ? "Bad Request" : status == 403 ? "Forbidden" : status == 409 ? "Conflict"
        : "Refused");
    body.put("status", status);
    String message = errors == null || errors.isEmpty() ? detail : detail + " " + String.join("; ",
        errors.stream().map(e -> e.field() + ": " + e.reason()).toList());
    body.put("detail", message);
    // Tasklist and Camunda Modeler show an engine error's "message"
    body.put("message", message);
    if (errors != null && !errors.isEmpty()) {
      body.put("errors", errors.stream().map(e -> Map.of("field", e.field(), "reason", e.reason())).toList());
    }
    response.setStatus(status);
    response.setContentType("application/problem+json");
    json.writeValue(response.getOutputStream(), body);
  }

  private static String truncate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }

  private static String currentUser() {
    var authentication = SecurityContextHolder.getContext().getAuthentication();
    return authentication == null ? null : authentication.getName();
  }

  private static Set<String> roles() {
    var authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication == null) {
      return Set.of();
    }
    return Set.copyOf(authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList());
  }

  /** The request with its body read once and served again to the engine. */
  private static final class CachedBody extends HttpServletRequestWrapper {

    private final byte[] body;

    CachedBody(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      InputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() throws IOException {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          try {
            return in.available() == 0;
          } catch (IOException e) {
            return true;
          }
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException();
        }
      };
    }

    @Override
    public java.io.BufferedReader getReader() {
      return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(),
          java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }
  }
}
