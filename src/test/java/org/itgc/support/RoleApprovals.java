package org.itgc.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Engine roles are access requests (system ITGC-ENGINE): tests that need a user with roles create the login as a
 * security admin (sam) and approve the request through the access process as the people it names.
 */
public final class RoleApprovals {

  private RoleApprovals() {}

  /**
   * Makes sure HR names a person for {@code username} (an identity whose manager is lucas, a line manager, when none
   * does), creates the login with {@code roles} as sam, approves the access request and waits until the engine's roles
   * connector has given the roles.
   */
  public static void createUser(int port, String username, String displayName, String email, String password,
      List<String> roles) {
    bind(port, username, displayName, email);
    // the security admin sets an initial password, which the person replaces with their own before anything else
    String initial = "Initial-" + password;
    var created = Http.as(port, "sam").post("/api/users", Http.json(Map.of("username", username, "displayName",
        displayName, "email", email, "password", initial, "roles", roles)));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    var changed = Http.as(port, username, initial).post("/api/me/password",
        Http.json(Map.of("currentPassword", initial, "newPassword", password)));
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    approve(port, created.json().at("/roleRequest/accessRequestId").asText());
    awaitRoles(port, username, roles);
  }

  /** An HR identity for {@code username}, imported unless one exists. */
  public static void bind(int port, String username, String displayName, String email) {
    var sam = Http.as(port, "sam");
    boolean bound = sam.get("/api/access/identities?q=" + username).json().findValuesAsText("userName")
        .contains(username);
    if (!bound) {
      String employeeId = "T-" + Integer.toHexString(username.hashCode());
      var imported = sam.post("/api/access/identities/import", "text/csv", ("employeeId,name,email,managerId,"
          + "department,job,status,hireDate,terminationDate,userName\n" + employeeId + "," + displayName.replace(",", " ")
          + "," + email + ",E1003,IT,Test user,active,2024-01-02,," + username + "\n").getBytes(StandardCharsets.UTF_8));
      assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
      assertThat(imported.json().path("errors").size()).as(imported.toString()).isZero();
    }
  }

  /**
   * Approves every step of access request {@code requestId} for engine roles: the line manager the task is assigned
   * to (grace standing in when HR names none), the engine's technical owner (admin), a governance lead (grace) for a
   * privileged role. Waits until the request is closed.
   */
  public static void approve(int port, String requestId) {
    assertThat(requestId).as("an access request id").isNotBlank();
    var audrey = Http.as(port, "audrey");
    String instance = audrey.get("/api/access/requests/" + requestId).json().get("processInstanceId").asText();
    // the engine's REST API under its name (an application may name its engine other than "default")
    String engine = "/engine-rest/engine/" + Http.as(port, "admin").get("/engine-rest/engine").json().get(0).get("name")
        .asText();
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      JsonNode request = audrey.get("/api/access/requests/" + requestId).json();
      if (!"open".equals(request.path("status").asText())) {
        assertThat(request.path("status").asText()).as(request.toString()).isEqualTo("granted");
        return;
      }
      // the open tasks as the people who may work them see them (each sees only their own candidates' tasks)
      Map<String, JsonNode> tasks = new java.util.LinkedHashMap<>();
      for (String viewer : List.of("admin", "grace", "lucas")) {
        var seen = Http.as(port, viewer).get(engine + "/task?processInstanceId=" + instance);
        assertThat(seen.status()).as(viewer + " lists tasks: " + seen).isEqualTo(200);
        seen.json().forEach(task -> tasks.putIfAbsent(task.get("id").asText(), task));
      }
      for (JsonNode task : tasks.values()) {
        String key = task.get("taskDefinitionKey").asText();
        String assignee = task.path("assignee").asText(null);
        String user = switch (key) {
          case "Task_LineManagerApproval" -> assignee != null && !assignee.isEmpty() ? assignee : "grace";
          case "Task_SystemOwnerApproval" -> "admin";
          case "Task_SecurityAdminApproval" -> "grace";
          default -> throw new AssertionError("an engine-role request waits at " + key + ": " + request);
        };
        var http = Http.as(port, user);
        var claim = http.post(engine + "/task/" + task.get("id").asText() + "/claim",
            Http.json(Map.of("userId", user)));
        assertThat(claim.status()).as(user + " claims " + key + ": " + claim).isEqualTo(204);
        var done = http.post(engine + "/task/" + task.get("id").asText() + "/complete", Http.json(Map.of(
            "variables", Map.of("decision", Map.of("value", "approve")))));
        assertThat(done.status()).as(user + " completes " + key + ": " + done).isEqualTo(204);
      }
      assertThat(System.currentTimeMillis()).as("request " + requestId + " closes").isLessThan(deadline);
      sleep(tasks.isEmpty() ? 200 : 0);
    }
  }

  /** Waits until {@code username} holds {@code roles} (the connector runs as a job after the last approval). */
  public static void awaitRoles(int port, String username, List<String> roles) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      JsonNode user = Http.as(port, "sam").get("/api/users/" + username).json();
      List<String> held = user.findValuesAsText("roles").isEmpty() ? List.of() : toList(user.get("roles"));
      if (held.containsAll(roles)) {
        return;
      }
      assertThat(System.currentTimeMillis()).as(username + " holds " + roles + " (holds " + held + ")")
          .isLessThan(deadline);
      sleep(200);
    }
  }

  private static List<String> toList(JsonNode array) {
    List<String> values = new java.util.ArrayList<>();
    // the API shows a role as its enum name (LINE_MANAGER) or its group id (line-manager)
    array.forEach(v -> values.add(v.asText().toLowerCase(java.util.Locale.ROOT).replace('_', '-')));
    return values;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
