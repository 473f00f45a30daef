package org.itgc.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.itgc.ItgcEngineApplication;
import org.itgc.support.ChangeRequests;
import org.itgc.support.Http;
import org.itgc.support.TestMailServer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Fuzz suite (issue #16): every endpoint of {@code /api} and {@code /scim/v2}, found from the application's own request
 * mappings (so a new endpoint is fuzzed without being listed here), is sent a generated corpus as a user its roles
 * allow: path variables and query parameters with control characters, long strings, unicode edge cases, negative and
 * enormous numbers and impossible dates; bodies that are not the JSON asked for (wrong types, deep nesting, huge
 * arrays, broken JSON); and the known request bodies with each field replaced by each corpus value. Every answer must
 * be below 500, a 4xx must be problem+json (SCIM's error format under /scim) naming no Java class, and the records the
 * refused requests aimed at must be unchanged. Runs in a context of its own: the requests that the corpus makes valid
 * create records, which the shared context's tests must not see. Prints the number of requests and of 5xx.
 */
class FuzzOwnContextIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CLASS_NAME = Pattern.compile(
      "(?:java|javax|jakarta|org\\.springframework|org\\.camunda|org\\.itgc|com\\.fasterxml|org\\.postgresql|org\\.apache"
      + "|com\\.unboundid)\\.[a-zA-Z_$.]+|\\b[A-Z][A-Za-z]+(?:Exception|Error)\\b");
  private static final Map<String, String> USER_OF_ROLE = Map.ofEntries(Map.entry("requester", "rachel"),
      Map.entry("line-manager", "lucas"), Map.entry("system-owner", "sofia"), Map.entry("cab", "carlos"),
      Map.entry("it-approver", "ivan"), Map.entry("finance-approver", "fiona"), Map.entry("deployer", "dmitri"),
      Map.entry("security-admin", "sam"), Map.entry("governance-lead", "grace"), Map.entry("auditor", "audrey"),
      Map.entry("engine-admin", "admin"));
  /** Endpoints that do real work when called without a body; fuzzing them would only repeat that work. */
  private static final Set<String> WORK_WITHOUT_INPUT = Set.of("POST /api/audit/archive", "POST /api/audit/archive/tests",
      "POST /api/continuity/engine-backups", "POST /api/continuity/engine-restore-tests", "POST /api/access/sod/scans");

  /** Values for path variables and query parameters (sent URL-encoded). */
  static final List<String> TEXT_VALUES = List.of("", "-1", "99999999999999999999", "\u0000", "a\u0001b\u001fc",
      "\r\nX-Injected: 1", "../../etc/passwd", "<script>alert(1)</script>", "\uD83D\uDE00\u202E\u200B",
      "a".repeat(5000), "+10000-01-01", "2026-02-30", "{\"a\":1}");

  /** Values a JSON field gets instead of the one it should have. */
  static List<Object> fieldValues() {
    Map<String, Object> nested = new LinkedHashMap<>();
    Map<String, Object> inner = nested;
    for (int i = 0; i < 50; i++) {
      Map<String, Object> next = new LinkedHashMap<>();
      inner.put("n", next);
      inner = next;
    }
    List<Object> values = new ArrayList<>(List.of("", " ", "\u0000", "title\u0000with NUL", "a\u0007\u001b[31mb",
        "line\nbreak\rreturn", "x".repeat(1_000_000), "\uD83D\uDE00\u202Eevil\u200B", "\uD800", "=cmd|' /C calc'!A0",
        -1, 0, Long.MAX_VALUE, Double.MAX_VALUE, -1e308, 1.5, true, false, List.of(), List.of(1, "two", List.of()),
        Map.of("nested", Map.of("deeper", 1)), nested, "-0001-01-01T00:00:00", "+10000-01-01T00:00:00",
        "2026-02-30T10:00:00", "9999-12-31T23:59:59Z", "1970-01-01T00:00:00Z"));
    values.add(null);
    values.add(java.util.Collections.nCopies(20_000, "c0ffee0000000000000000000000000000000000"));
    return values;
  }

  /** Whole bodies that are not what the endpoint reads. */
  static List<String> bodies() {
    return List.of("", "null", "[]", "\"text\"", "123", "true", "{", "{\"a\":", "{}", "{\"title\": \"\u0000\"}",
        "[".repeat(20_000) + "]".repeat(20_000), "{\"a\":" + "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_001),
        "[" + "1,".repeat(300_000) + "1]", "{\"x\":\"" + "y".repeat(2_000_000) + "\"}", "\u0000\u0001\u0002",
        "{\"unknown\": 1, \"more\": [1, {\"x\": null}]}");
  }

  // the engine's part is sent from a few threads at once (each request logs in with BCrypt, which takes a core)
  private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
  private final Map<Integer, Integer> statuses = java.util.Collections.synchronizedMap(new TreeMap<>());
  private final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
  private int port;
  /** Each user's signed-in session, logged in once (password and TOTP) rather than with a BCrypt check per request. */
  private final Map<String, Http> sessions = new java.util.concurrent.ConcurrentHashMap<>();

  @Test
  void everyEndpointAnswersBadInputWithA4xxThatNamesTheFieldAndNoClass() throws Exception {
    Path data = Files.createTempDirectory(Path.of("target"), "fuzz-it-");
    try (var context = new SpringApplicationBuilder(ItgcEngineApplication.class).profiles("demo", "test")
        .run("--server.port=0", // the engine is "default", the one /engine-rest and Tasklist's API address
            "--camunda.bpm.process-engine-name=default",
            "--itgc.embedded-postgres.data-directory=" + data, "--spring.mail.port=" + TestMailServer.port())) {
      port = ((WebServerApplicationContext) context).getWebServer().getPort();
      var mappings = context.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
      int endpoints = 0;
      List<Runnable> fuzzes = new ArrayList<>();
      for (Map.Entry<RequestMappingInfo, HandlerMethod> mapping : mappings.getHandlerMethods().entrySet()) {
        for (String pattern : mapping.getKey().getPatternValues()) {
          if (!pattern.startsWith("/api/") && !pattern.startsWith("/scim/v2")) {
            continue;
          }
          Set<RequestMethod> methods = mapping.getKey().getMethodsCondition().getMethods();
          for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
            endpoints++;
            fuzzes.add(() -> fuzzEndpoint(method.name(), pattern, mapping.getValue()));
          }
        }
      }
      // endpoints are independent of each other: a few at once (each request logs in with BCrypt, a core's work)
      inParallel(fuzzes);
      fuzzKnownBodies();
      int apiRequests = requests.get();
      int engineOperations = fuzzEngineRest();
      fuzzImports();
      System.out.printf("FUZZ %d endpoints, %d engine operations, %d requests (%d to /api and /scim, %d to the engine's"
          + " APIs and imports), answers by status %s, %d failures%n", endpoints, engineOperations, requests.get(),
          apiRequests, requests.get() - apiRequests, statuses, failures.size());
      // the sessions lived through the whole run (a lost session cannot come back): each still passes login and CSRF
      sessions.forEach(FuzzOwnContextIT::assertSessionWorks);
      Files.write(Path.of("target", "fuzz-failures.txt"), failures);
      assertThat(endpoints).as("the mappings were found").isGreaterThan(50);
      assertThat(failures).as("answers that are a server error, not problem+json, or name a class").isEmpty();
    }
  }

  private void fuzzEndpoint(String method, String pattern, HandlerMethod handler) {
    String key = method + " " + pattern;
    if (WORK_WITHOUT_INPUT.contains(key)) {
      return;
    }
    Http client = clientFor(pattern, handler);
    boolean hasBody = false;
    List<String> queryNames = new ArrayList<>();
    for (MethodParameter parameter : handler.getMethodParameters()) {
      parameter.initParameterNameDiscovery(new DefaultParameterNameDiscoverer());
      if (parameter.hasParameterAnnotation(RequestBody.class)) {
        hasBody = true;
      }
      RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
      if (param != null && !Map.class.isAssignableFrom(parameter.getParameterType())) {
        String name = !param.name().isEmpty() ? param.name() : !param.value().isEmpty() ? param.value()
            : parameter.getParameterName();
        queryNames.add(name);
      }
    }
    boolean hasPathVariables = pattern.contains("{");
    if (method.equals("POST") && !hasBody && !hasPathVariables && queryNames.isEmpty()) {
      return; // an action without input: nothing to fuzz
    }
    String contentType = pattern.startsWith("/scim") ? "application/scim+json" : "application/json";
    // path variables
    if (hasPathVariables) {
      for (String value : TEXT_VALUES) {
        send(client, method, pattern.replaceAll("\\{[^}]+}", encode(value)), hasBody ? contentType : null,
            hasBody ? "{}" : null);
      }
    }
    String path = pattern.replaceAll("\\{[^}]+}", "FUZZ-0");
    // query parameters, one at a time, plus paging nonsense and unknown parameters
    for (String name : queryNames) {
      for (String value : TEXT_VALUES) {
        send(client, method, path + "?" + name + "=" + encode(value), hasBody ? contentType : null,
            hasBody ? "{}" : null);
      }
    }
    if (method.equals("GET")) {
      send(client, method, path + "?page=-1&size=-5&startIndex=-1&count=-1", null, null);
      send(client, method, path + "?size=2147483648&count=99999999999", null, null);
      send(client, method, path + "?nonsense=1&" + "x".repeat(40) + "=" + encode("\u0000"), null, null);
    }
    if (hasBody) {
      for (String body : bodies()) {
        send(client, method, path, contentType, body);
      }
      send(client, method, path, "text/plain", "not json");
      send(client, method, path, "application/xml", "<a/>");
      send(client, method, path, "multipart/form-data; boundary=x", "--x\r\nbroken");
    }
  }

  /** The known request bodies, each field in turn replaced by each corpus value. */
  private void fuzzKnownBodies() throws Exception {
    var change = ChangeRequests.body("standard", "BI-REPORTING", null, ChangeRequests.plannedSaturday(900));
    // the known bodies of different endpoints are independent: mutated a few at once
    List<Runnable> bodies = new ArrayList<>();
    bodies.add(() -> mutateUnchecked(() -> mutate(session("rachel"), "POST", "/api/changes", "application/json", JSON.writeValueAsString(change))));
    bodies.add(() -> mutateUnchecked(() -> mutate(session("rachel"), "POST", "/api/access/requests", "application/json",
        "{\"entitlements\": [\"ERP-GL/GL_READ_ONLY\"], \"justification\": \"Month-end reporting\"}")));
    bodies.add(() -> mutateUnchecked(() -> mutate(session("sam"), "POST", "/api/security/credentials", "application/json",
        "{\"name\": \"fuzz\", \"scopes\": [\"scim\"], \"expiresAt\": \""
        + org.itgc.support.TestClock.now().plus(java.time.Duration.ofDays(30)) + "\"}")));
    bodies.add(() -> mutateUnchecked(() -> mutate(session("sam"), "POST", "/api/users", "application/json",
        "{\"username\": \"fuzz.user\", \"displayName\": \"Fuzz User\", \"email\": \"fuzz@example.com\","
        + " \"password\": \"a-long-fuzz-password-1\", \"roles\": [\"auditor\"]}")));
    bodies.add(() -> mutateUnchecked(() -> mutate(session("sam"), "POST", "/api/access/revocations", "application/json",
        "{\"identityId\": \"E9403\", \"reason\": \"sod-remediation\"}")));
    bodies.add(() -> mutateUnchecked(() -> mutate(session("sofia"), "POST", "/api/continuity/backups", "application/json",
        "{\"systemId\": \"PAYROLL\", \"takenAt\": \"2026-07-01T12:00:00Z\", \"location\": \"vault://payroll\","
        + " \"sizeBytes\": 1000, \"checksum\": \"" + "ab".repeat(32) + "\", \"rowCount\": 5000}")));
    bodies.add(() -> mutateUnchecked(() -> mutate(session("dmitri"), "POST", "/api/changes/deployments", "application/json",
        "{\"systemId\": \"ERP-GL\", \"repository\": \"acme/erp-gl\", \"reference\": \"deploy-fuzz\","
        + " \"deployedBy\": \"dmitri\", \"commits\": [\"c0ffee0000000000000000000000000000000000\"],"
        + " \"environment\": \"production\"}")));
    inParallel(bodies);
    fuzzWebhooks();
    // a campaign with a name longer than its column: refused naming the field, and no campaign started
    var longName = send(session("grace"), "POST", "/api/certifications", "application/json",
        JSON.writeValueAsString(Map.of("name", "n".repeat(1_000_000))));
    if (longName == null || longName.status() != 400 || !longName.body().contains("\"name\"")) {
      failures.add("a campaign name of 1,000,000 characters was not refused naming the field: " + longName);
    }
    Http scim = Http.bearer(port, "demo-scim-token");
    mutate(scim, "POST", "/scim/v2/Users", "application/scim+json", """
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                     "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
         "userName": "fuzz.person@example.com", "externalId": "fuzz-1", "active": true,
         "name": {"givenName": "Fuzz", "familyName": "Person"}, "title": "Clerk",
         "emails": [{"value": "fuzz.person@example.com", "primary": true}],
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "F0001",
           "manager": {"value": "E1001"}}}""");
    // an existing SCIM user, whose record must not change under refused patches
    var created = scim.send("POST", "/scim/v2/Users", "application/scim+json", """
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "fuzz.target@example.com",
         "name": {"givenName": "Fuzz", "familyName": "Target"}, "active": true}""");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().get("id").asText();
    String current = withoutMeta(scim.get("/scim/v2/Users/" + id).body());
    int refused = 0;
    for (Object value : fieldValues()) {
      for (String path : List.of("userName", "name.givenName", "active", "title",
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager")) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("op", "replace");
        op.put("path", path);
        op.put("value", value);
        var answer = send(scim, "PATCH", "/scim/v2/Users/" + id, "application/scim+json", JSON.writeValueAsString(
            Map.of("schemas", List.of("urn:ietf:params:scim:api:messages:2.0:PatchOp"), "Operations", List.of(op))));
        String after = withoutMeta(scim.get("/scim/v2/Users/" + id).body());
        if (answer != null && answer.status() >= 400) {
          refused++;
          if (!after.equals(current)) {
            failures.add("a refused SCIM patch of " + path + " changed user " + id + ": " + cut(current) + " -> "
                + cut(after));
          }
        }
        current = after; // an accepted patch changes the user on purpose
      }
    }
    assertThat(refused).as("most corrupt patches are refused").isGreaterThan(50);
  }

  /**
   * Camunda's REST API (every operation, found by reflection) and Tasklist's own API, as an approver: paging
   * nonsense and corpus values in query parameters and path variables, and the corpus of bodies for operations that
   * take one. Writes are refused by the surface guard or the engine's authorizations; whatever answers, it must be
   * below 500 and problem+json naming no class.
   *
   * @return the number of operations fuzzed
   */
  private int fuzzEngineRest() {
    Http sofia = Http.as(port, "sofia");
    List<Runnable> sends = new ArrayList<>();
    int operations = 0;
    for (String operation : org.itgc.support.EngineRestOperations.all()) {
      operations++;
      String verb = operation.substring(0, operation.indexOf(' '));
      String pattern = "/engine-rest" + operation.substring(operation.indexOf(' ') + 1);
      String path = pattern.replaceAll("\\{[^}]+}", "fuzz-1");
      if (pattern.contains("{")) {
        // (a NUL in a path is refused by Tomcat before the engine: the /api part sends it)
        for (String value : List.of("\uD83D\uDE00\u202E")) {
          sends.add(() -> send(sofia, verb, pattern.replaceAll("\\{[^}]+}", encode(value)), verb.equals("GET") ? null
              : "application/json", verb.equals("GET") ? null : "{}"));
        }
      }
      if (verb.equals("GET")) {
        sends.add(() -> send(sofia, verb, path + "?firstResult=-1&maxResults=-5", null, null));
        sends.add(() -> send(sofia, verb, path + "?firstResult=abc&maxResults=99999999999", null, null));
        sends.add(() -> send(sofia, verb, path + "?sortBy=" + encode("\u0000") + "&sortOrder=sideways&processInstanceId="
            + encode("{\"a\":1}") + "&startedAfter=2026-02-30&variables=" + encode("a_eq_") + "&createdBefore="
            + encode("+10000-01-01T00:00:00") + "&deserializeValues=maybe&active=sometimes", null, null));
      } else {
        // each request logs in (HTTP Basic, BCrypt): a few telling bodies per operation keep the suite short
        for (String body : List.of("{",
            "{\"variables\": {\"a\": {\"value\": {\"nested\": 1}, \"type\": \"Nonsense\"}}}",
            "{\"firstResult\": -1, \"maxResults\": \"many\", \"sorting\": [{\"sortBy\": 1}]}",
            "{\"a\":" + "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_001))) {
          sends.add(() -> send(sofia, verb, path, "application/json", body));
        }
        sends.add(() -> send(sofia, verb, path, "application/xml", "<a/>"));
      }
    }
    // Tasklist's own API (the webapp's), in a logged-in session as Tasklist calls it
    var tasklist = org.itgc.support.WebSession.tasklist(port, "sofia", Http.DEMO_PASSWORD);
    List<String[]> calls = new ArrayList<>();
    for (String path : List.of("/camunda/api/engine/engine/default/task?firstResult=-1&maxResults=-5",
        "/camunda/api/engine/engine/default/task?maxResults=many", "/camunda/api/engine/engine/default/task/fuzz-1/form",
        "/camunda/api/engine/engine/default/task/fuzz-1/deployed-form", "/camunda/api/tasklist/plugin/nonsense/static/x",
        "/camunda/api/engine/engine/default/filter/fuzz-1/list?firstResult=abc", "/camunda/api/engine/engine/default/"
        + "process-instance/fuzz-1/variables", "/camunda/api/admin/auth/user/default")) {
      calls.add(new String[] {"GET", path, null});
    }
    for (String body : List.of("{", "[]", "{\"variables\": {\"decision\": {\"value\": [1, 2]}}}",
        "{\"a\":" + "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_001))) {
      calls.add(new String[] {"POST", "/camunda/api/engine/engine/default/task/fuzz-1/submit-form", body});
      calls.add(new String[] {"POST", "/camunda/api/engine/engine/default/task", body});
      calls.add(new String[] {"POST", "/camunda/api/engine/engine/default/task/fuzz-1/complete", body});
    }
    for (String[] call : calls) {
      requests.incrementAndGet();
      var page = tasklist.api(call[0], call[1], call[2]);
      check(call[0] + " " + call[1] + (call[2] == null ? "" : " body " + cut(call[2])), false, page.status(),
          page.contentType(), page.body());
    }
    inParallel(sends);
    return operations;
  }

  /** Runs the work three at a time; an exception of any of it is a failure of the suite, not lost in a thread. */
  private void inParallel(List<Runnable> work) {
    var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
    List<java.util.concurrent.Future<?>> done = work.stream().<java.util.concurrent.Future<?>>map(pool::submit).toList();
    pool.shutdown();
    try {
      assertThat(pool.awaitTermination(15, java.util.concurrent.TimeUnit.MINUTES)).as("the fuzzing finished").isTrue();
      for (var future : done) {
        try {
          future.get();
        } catch (java.util.concurrent.ExecutionException e) {
          failures.add("the fuzz suite itself failed: " + e.getCause());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * The CSV imports with files that are not what they read: a NUL or a 1 MB name in a cell, a broken quote, a row with
   * too many cells, an empty file, a binary one; each is a 4xx or a report naming the row, and nothing already stored
   * changes.
   */
  private void fuzzImports() {
    Http sam = session("sam");
    String header = "employeeId,name,email,managerId,department,job,status,hireDate,terminationDate,userName\n";
    String stored = sam.get("/api/access/identities/E1001").body();
    List<String> files = List.of("", "\u0000\u0001\u0002", header, header + "E1001,Rachel\u0000Null,r@example.com,"
        + "E1000,Finance,Clerk,active,2024-01-02,,\n", header + "E1001," + "n".repeat(1_000_000) + ",r@example.com,E1000,"
        + "Finance,Clerk,active,2024-01-02,,\n", header + "E1001,\"broken quote,r@example.com\n", header
        + "E1001,Too,Many,Cells,In,This,Row,Of,The,File,Here,And,More\n", header + "E1001,Rachel,not-an-email,E1001,"
        + "Finance,Clerk,sometimes,2026-02-30,1999-01-01,Rachel Login\n", "\uFEFF" + header.replace(",", ";"));
    for (String file : files) {
      for (String path : List.of("/api/access/identities/import", "/api/access/grants/import", "/api/access/usage")) {
        var answer = send(sam, "POST", path, "text/csv", file);
        // a small HR file is imported while the request waits: a 200 is a job that ran to its end
        if (answer != null && answer.status() == 200 && path.endsWith("/identities/import")
            && !"done".equals(answer.json().path("state").asText())) {
          failures.add("an HR import answered 200 without being done: " + cut(answer.body()));
        }
      }
    }
    if (!sam.get("/api/access/identities/E1001").body().equals(stored)) {
      failures.add("a refused HR row changed identity E1001");
    }
  }

  /**
   * Signed webhooks (GitHub's HMAC, GitLab's token, as the demo configures them) whose push payload has each field, and
   * each field of its commit, replaced by each corpus value: a NUL in a commit message, a 1 MB commit id, a commit list
   * of 20,000 ids, a repository that is a number.
   */
  private void fuzzWebhooks() throws Exception {
    Map<String, Object> commit = new LinkedHashMap<>(Map.of("id", "c0ffee0000000000000000000000000000000001",
        "message", "raise limit", "timestamp", "2026-11-30T10:00:00Z", "author",
        Map.of("name", "Dmitri Deployer", "email", "dmitri@demo.itgc.local", "username", "dmitri")));
    Map<String, Object> push = new LinkedHashMap<>(Map.of("ref", "refs/heads/main",
        "after", "c0ffee0000000000000000000000000000000001",
        "repository", Map.of("full_name", "acme/erp-gl", "default_branch", "main"), "sender", Map.of("login", "dmitri"),
        "commits", List.of(commit)));
    List<Map<String, Object>> payloads = new ArrayList<>();
    for (String field : List.copyOf(push.keySet())) {
      for (Object value : fieldValues()) {
        Map<String, Object> changed = new LinkedHashMap<>(push);
        changed.put(field, value);
        payloads.add(changed);
      }
    }
    for (String field : List.copyOf(commit.keySet())) {
      for (Object value : fieldValues()) {
        Map<String, Object> changedCommit = new LinkedHashMap<>(commit);
        changedCommit.put(field, value);
        Map<String, Object> changed = new LinkedHashMap<>(push);
        changed.put("commits", java.util.Collections.singletonList(changedCommit));
        payloads.add(changed);
      }
    }
    var mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec("demo-github-webhook-secret".getBytes(StandardCharsets.UTF_8),
        "HmacSHA256"));
    Http anonymous = Http.anonymous(port);
    for (Map<String, Object> payload : payloads) {
      String body = JSON.writeValueAsString(payload);
      String signature = "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
      send(anonymous, "POST", "/api/webhooks/github", "application/json", body, Map.of("X-GitHub-Event", "push",
          "X-Hub-Signature-256", signature));
    }
    // GitLab's push hook, its fields in turn
    Map<String, Object> gitlab = new LinkedHashMap<>(Map.of("object_kind", "push", "ref", "refs/heads/main",
        "after", "c0ffee0000000000000000000000000000000002", "user_username", "dmitri",
        "project", Map.of("path_with_namespace", "acme/payroll", "default_branch", "main"),
        "commits", List.of(Map.of("id", "c0ffee0000000000000000000000000000000002", "message", "fix"))));
    for (String field : List.copyOf(gitlab.keySet())) {
      for (Object value : fieldValues()) {
        Map<String, Object> changed = new LinkedHashMap<>(gitlab);
        changed.put(field, value);
        send(anonymous, "POST", "/api/webhooks/gitlab", "application/json", JSON.writeValueAsString(changed),
            Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", "demo-gitlab-webhook-token"));
      }
    }
  }

  private static String withoutMeta(String body) {
    return body.replaceAll("\"meta\"\\s*:\\s*\\{[^}]*}", "");
  }

  /** Whether a 400 names the field among its errors (or, in SCIM's format, in its detail as "field: ..."). */
  private static boolean namesField(Http.Response answer, String field) {
    var errors = answer.json().path("errors");
    for (var error : errors) {
      String named = error.path("field").asText();
      if (named.equals(field) || named.startsWith(field + ".") || named.startsWith(field + "[")) {
        return true;
      }
    }
    String detail = answer.json().path("detail").asText();
    return detail.startsWith(field + ":") || detail.contains("'" + field + "'") || detail.contains(" " + field + ":");
  }

  /** A mutation run as a task of its own. */
  private interface Mutation {
    void run() throws Exception;
  }

  private void mutateUnchecked(Mutation mutation) {
    try {
      mutation.run();
    } catch (Exception e) {
      failures.add("the fuzz suite itself failed: " + e);
    }
  }

  private void mutate(Http client, String method, String path, String contentType, String valid) throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> body = JSON.readValue(valid, Map.class);
    for (String field : new ArrayList<>(body.keySet())) {
      for (Object value : fieldValues()) {
        Map<String, Object> changed = new LinkedHashMap<>(body);
        changed.put(field, value);
        var answer = send(client, method, path, contentType, JSON.writeValueAsString(changed));
        // a text far longer than any column is refused before the database sees it, naming the field
        boolean tooLargeBody = answer != null && answer.status() == 413 && answer.body().contains("body");
        if (answer != null && value instanceof String text && text.length() == 1_000_000 && !tooLargeBody
            && (answer.status() != 400 || !namesField(answer, field))) {
          failures.add(answer.status() + " for a 1,000,000-character " + field + " at " + path + " (expected a 400"
              + " naming the field): " + cut(answer.body()));
        }
      }
      Map<String, Object> missing = new LinkedHashMap<>(body);
      missing.remove(field);
      send(client, method, path, contentType, JSON.writeValueAsString(missing));
    }
  }

  private Http.Response send(Http client, String method, String path, String contentType, String body) {
    return send(client, method, path, contentType, body, Map.of());
  }

  private Http.Response send(Http client, String method, String path, String contentType, String body,
      Map<String, String> headers) {
    requests.incrementAndGet();
    String request = method + " " + (path.length() > 120 ? path.substring(0, 120) + "..." : path)
        + (body == null ? "" : " body " + (body.length() > 100 ? body.substring(0, 100) + "..." : body));
    Http.Response answer;
    try {
      answer = client.send(method, path, contentType, body, headers);
    } catch (IllegalArgumentException unsent) {
      // the client itself refuses some addresses: nothing reached the server
      statuses.merge(-1, 1, Integer::sum);
      return null;
    } catch (AssertionError noAnswer) {
      // the connection was cut or the server is gone: as bad as a 5xx
      statuses.merge(0, 1, Integer::sum);
      failures.add("no answer for " + request + ": " + noAnswer.getMessage());
      return null;
    }
    check(request, path.startsWith("/scim"), answer.status(), answer.contentType(), answer.body());
    return answer;
  }

  /** An answer must be below 500; a 4xx problem+json (SCIM's format under /scim) naming no class. */
  private void check(String request, boolean scim, int status, String type, String body) {
    statuses.merge(status, 1, Integer::sum);
    if (status >= 500) {
      failures.add(status + " for " + request + ": " + cut(body));
    } else if (status >= 400) {
      if (scim ? !(type.startsWith("application/scim+json") || type.startsWith("application/json"))
          : !type.startsWith("application/problem+json")) {
        failures.add(status + " as " + type + " for " + request + ": " + cut(body));
      }
      Matcher leak = CLASS_NAME.matcher(body);
      if (leak.find()) {
        failures.add(status + " naming " + leak.group() + " for " + request + ": " + cut(body));
      }
    }
  }

  /**
   * The signed-in session of {@code user} for {@code /api}: one login with password and TOTP, then the session cookie
   * and CSRF token on every request, as the portal's pages send them. (HTTP Basic costs a BCrypt check per request,
   * which made this suite take minutes.) The endpoints see the same user and roles either way.
   */
  private Http session(String user) {
    return sessions.computeIfAbsent(user, u -> {
      Http http = org.itgc.support.WebSession.signedIn(port, u).http();
      assertSessionWorks(u, http);
      return http;
    });
  }

  /**
   * A state-changing request to an address no endpoint has: 404 from a live session whose CSRF token is accepted (a
   * missing or wrong token is a 403, a lost session a 401 or 403), so that the fuzz answers are the endpoints' own.
   */
  private static void assertSessionWorks(String user, Http http) {
    var answer = http.send("POST", "/api/fuzz-session-probe", "application/json", "{}");
    assertThat(answer.status()).as("%s's session passes the login and the CSRF check: %s", user, answer).isEqualTo(404);
  }

  private Http clientFor(String pattern, HandlerMethod handler) {
    if (pattern.startsWith("/scim")) {
      return Http.bearer(port, "demo-scim-token");
    }
    PreAuthorize rule = handler.getMethodAnnotation(PreAuthorize.class);
    if (rule == null) {
      rule = handler.getBeanType().getAnnotation(PreAuthorize.class);
    }
    if (rule != null) {
      Matcher role = Pattern.compile("'([a-z-]+)'").matcher(rule.value());
      while (role.find()) {
        String user = USER_OF_ROLE.get(role.group(1));
        if (user != null) {
          return session(user);
        }
      }
    }
    return session("rachel");
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String cut(String text) {
    return text == null ? "" : text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
