package org.itgc.integrity;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a request to the engine's REST API (at {@code /engine-rest} or at Tasklist's and Cockpit's own
 * {@code /camunda/api/engine/engine/<name>}) would do, and so whether a person may send it:
 * <ul>
 *   <li>{@link Kind#READ}: reads and queries (the engine's authorizations decide what the caller sees);</li>
 *   <li>{@link Kind#TASK_WORK}: claim, unclaim, comments and attachments of a task;</li>
 *   <li>{@link Kind#COMPLETE} and {@link Kind#START}: allowed with exactly the fields the form declares;</li>
 *   <li>{@link Kind#DEPLOY}: a model deployment, which becomes a model change;</li>
 *   <li>{@link Kind#WRITE}: every other write (variables, modification, migration, restart, deletion, suspension,
 *       jobs, incidents, messages, signals, users, groups, authorizations...): closed to people; only the server, or
 *       an engine admin's break-glass naming an approved emergency change.</li>
 * </ul>
 * An allow-list: an endpoint nobody listed is a {@link Kind#WRITE}, so a new engine endpoint is closed by default.
 */
record EngineOperation(Kind kind, String method, String path, String taskId, String processDefinitionKey,
    String processDefinitionId) {

  enum Kind { READ, TASK_WORK, COMPLETE, START, DEPLOY, FILTER, WRITE }

  /**
   * Longest first: the application's engine by its name, then the default paths; another engine's name, or anything
   * else under Tasklist's engine API, is judged as a path of its own.
   */
  private static List<String> prefixes(String engineName) {
    return List.of("/engine-rest/engine/" + engineName + "/", "/engine-rest/",
        "/camunda/api/engine/engine/" + engineName + "/", "/camunda/api/engine/");
  }

  /** POST bodies that are queries, not writes (the REST API takes long queries as POST). */
  private static final Pattern QUERY = Pattern.compile(
      "(task|task/count|process-instance|process-instance/count|execution|execution/count|variable-instance"
          + "|variable-instance/count|job|job/count|incident|incident/count|process-definition|deployment"
          + "|history/(process-instance|task|activity-instance|variable-instance|detail|decision-instance|incident"
          + "|job-log|user-operation|identity-link-log|external-task-log|case-instance|case-activity-instance"
          + "|batch)(/count)?"
          + "|filter/[^/]+/(list|count|singleResult)"
          + "|process-instance/statistics|process-definition/statistics"
          + "|history/process-instance/report|history/task/report)");

  private static final Pattern TASK_ACTION = Pattern.compile(
      "task/([^/]+)/(claim|unclaim|comment/create|attachment/create)");
  private static final Pattern TASK_COMPLETE = Pattern.compile("task/([^/]+)/(complete|submit-form)");
  private static final Pattern START_BY_KEY = Pattern.compile(
      "process-definition/key/([^/]+)(?:/tenant-id/[^/]+)?/(start|submit-form)");
  private static final Pattern START_BY_ID = Pattern.compile("process-definition/([^/]+)/(start|submit-form)");
  private static final Pattern FILTER = Pattern.compile("filter/create|filter/[^/]+");

  /** The engine operation of a request, or empty when the path is not one of the engine's REST APIs. */
  static Optional<EngineOperation> of(String method, String requestUri) {
    return of(method, requestUri, "default");
  }

  /** As above, for an engine named {@code engineName} ({@code camunda.bpm.process-engine-name}). */
  static Optional<EngineOperation> of(String method, String requestUri, String engineName) {
    String path = null;
    for (String prefix : prefixes(engineName)) {
      if (requestUri.startsWith(prefix)) {
        path = requestUri.substring(prefix.length());
        break;
      }
    }
    if (path == null) {
      return Optional.empty();
    }
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String verb = method.toUpperCase(Locale.ROOT);
    Kind kind;
    String taskId = null;
    String key = null;
    String definitionId = null;
    Matcher m;
    if (verb.equals("GET") || verb.equals("HEAD") || verb.equals("OPTIONS")) {
      kind = Kind.READ;
    } else if (path.indexOf('%') >= 0) {
      // the engine decodes path segments; the guard judges what it is sent: a percent-encoded id, key or action is
      // judged as the write it may hide (no engine id or key needs encoding)
      kind = Kind.WRITE;
    } else if (verb.equals("POST") && QUERY.matcher(path).matches()) {
      kind = Kind.READ;
    } else if (verb.equals("POST") && (m = TASK_ACTION.matcher(path)).matches()) {
      kind = Kind.TASK_WORK;
      taskId = m.group(1);
    } else if (verb.equals("POST") && (m = TASK_COMPLETE.matcher(path)).matches()) {
      kind = Kind.COMPLETE;
      taskId = m.group(1);
    } else if (verb.equals("POST") && (m = START_BY_KEY.matcher(path)).matches()) {
      kind = Kind.START;
      key = m.group(1);
    } else if (verb.equals("POST") && (m = START_BY_ID.matcher(path)).matches() && !m.group(1).equals("key")) {
      kind = Kind.START;
      definitionId = m.group(1);
    } else if (verb.equals("POST") && path.equals("deployment/create")) {
      kind = Kind.DEPLOY;
    } else if ((verb.equals("POST") && path.equals("filter/create"))
        || ((verb.equals("PUT") || verb.equals("DELETE")) && FILTER.matcher(path).matches())) {
      kind = Kind.FILTER;
    } else {
      kind = Kind.WRITE;
    }
    return Optional.of(new EngineOperation(kind, verb, path, taskId, key, definitionId));
  }

  String describe() {
    return method + " " + path;
  }
}
