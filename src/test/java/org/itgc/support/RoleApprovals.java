package org.itgc.support;

import static org.assertj.core.api.Assertions.assertThat;

/** Engine roles change on a second person's approval: tests that create users approve their roles as a governance lead. */
public final class RoleApprovals {

  private RoleApprovals() {}

  /** Approves, as grace (governance lead), every pending role change of {@code username}. */
  public static void approvePending(int port, String username) {
    var grace = Http.as(port, "grace");
    for (var change : grace.get("/api/users/role-changes?username=" + username).json()) {
      var approved = grace.post("/api/users/role-changes/" + change.get("id").asText() + "/approve", "{}");
      assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
    }
  }
}
