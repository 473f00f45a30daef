package org.itgc.platform;

import java.util.Arrays;
import java.util.Optional;

/**
 * The roles of the engine. Each is a Camunda group with the same id and a Spring authority of the same name (no
 * {@code ROLE_} prefix), so that candidate groups in BPMN, Camunda authorizations and Spring checks agree.
 */
public enum Role {
  REQUESTER("requester", "Requester"),
  LINE_MANAGER("line-manager", "Line manager"),
  SYSTEM_OWNER("system-owner", "System owner"),
  CAB("cab", "Change advisory board"),
  IT_APPROVER("it-approver", "IT approver"),
  FINANCE_APPROVER("finance-approver", "Finance approver"),
  DEPLOYER("deployer", "Deployer"),
  SECURITY_ADMIN("security-admin", "Security administrator"),
  GOVERNANCE_LEAD("governance-lead", "Governance lead"),
  AUDITOR("auditor", "Auditor (read-only)"),
  ENGINE_ADMIN("engine-admin", "Engine administrator");

  private final String groupId;
  private final String displayName;

  Role(String groupId, String displayName) {
    this.groupId = groupId;
    this.displayName = displayName;
  }

  public String groupId() {
    return groupId;
  }

  public String displayName() {
    return displayName;
  }

  public static Optional<Role> fromGroupId(String groupId) {
    return Arrays.stream(values()).filter(r -> r.groupId.equals(groupId)).findFirst();
  }

  /** The group ids of all roles, for messages that list what is allowed. */
  public static String allowedValues() {
    return String.join(", ", Arrays.stream(values()).map(Role::groupId).toList());
  }
}
