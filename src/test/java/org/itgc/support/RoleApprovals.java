package org.itgc.support;

import static org.assertj.core.api.Assertions.assertThat;

/** Engine roles change on a second person's approval: tests that create users approve their roles as a governance lead. */
public final class RoleApprovals {

  private RoleApprovals() {}

  /**
   * Approves, as grace (governance lead), every pending role change of {@code username}; a login that no identity of
   * the registry holds gets one first through HR's import (roles go to registered people only).
   */
  public static void approvePending(int port, String username) {
    var grace = Http.as(port, "grace");
    var sam = Http.as(port, "sam");
    boolean bound = sam.get("/api/access/identities?q=" + username).json().findValuesAsText("userName")
        .contains(username);
    if (!bound) {
      String employeeId = "T-" + Integer.toHexString(username.hashCode());
      var imported = sam.post("/api/access/identities/import", "text/csv", ("employeeId,name,email,managerId,"
          + "department,job,status,hireDate,terminationDate,userName\n" + employeeId + "," + username + ","
          + username + "@demo.itgc.local,E1000,IT,Test user,active,2024-01-02,," + username + "\n")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
      assertThat(imported.json().path("errors").size()).as(imported.toString()).isZero();
    }
    for (var change : grace.get("/api/users/role-changes?username=" + username).json()) {
      var approved = grace.post("/api/users/role-changes/" + change.get("id").asText() + "/approve", "{}");
      assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
    }
  }
}
