package org.itgc.security;

import org.itgc.platform.Role;
import static org.camunda.bpm.engine.authorization.Permissions.ACCESS;
import static org.camunda.bpm.engine.authorization.Permissions.CREATE;
import static org.camunda.bpm.engine.authorization.Permissions.CREATE_INSTANCE;
import static org.camunda.bpm.engine.authorization.Permissions.READ;
import static org.camunda.bpm.engine.authorization.Permissions.READ_HISTORY;
import static org.camunda.bpm.engine.authorization.Resources.APPLICATION;
import static org.camunda.bpm.engine.authorization.Resources.AUTHORIZATION;
import static org.camunda.bpm.engine.authorization.Resources.DECISION_DEFINITION;
import static org.camunda.bpm.engine.authorization.Resources.DECISION_REQUIREMENTS_DEFINITION;
import static org.camunda.bpm.engine.authorization.Resources.DEPLOYMENT;
import static org.camunda.bpm.engine.authorization.Resources.GROUP;
import static org.camunda.bpm.engine.authorization.Resources.PROCESS_DEFINITION;
import static org.camunda.bpm.engine.authorization.Resources.PROCESS_INSTANCE;
import static org.camunda.bpm.engine.authorization.Resources.TASK;
import static org.camunda.bpm.engine.authorization.Resources.USER;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.authorization.Permission;
import org.camunda.bpm.engine.authorization.Resource;

/**
 * What each role may do in the engine, as Camunda authorizations granted to the role's group. This is the one place
 * that says it; {@link CamundaIdentity} applies it at start-up. Tasks need no grant here: a candidate group gets READ
 * and TASK_WORK on each task it is a candidate for, from the engine itself.
 */
final class RolePermissions {

  /** Processes that members of a role may start (Tasklist start forms and the REST API). */
  static final Map<Role, List<String>> STARTABLE_PROCESSES = Map.of(
      Role.REQUESTER, List.of("change-request", "access-request"),
      Role.GOVERNANCE_LEAD, List.of("access-certification", "dr-test", "backup-restore-test"),
      Role.SYSTEM_OWNER, List.of("dr-test", "backup-restore-test"),
      // a line manager requests access for their reports
      Role.LINE_MANAGER, List.of("access-request"),
      // a security admin requests this engine's roles for anyone (access.EngineRoleRequests)
      Role.SECURITY_ADMIN, List.of("access-request"));

  /**
   * Processes whose approvers' roles once read every instance's history. Now they read the definition only; the
   * history of one instance is opened to the person who works one of its tasks ({@link ApproverHistoryAccess}), and a
   * requester reads only the history of their own requests ({@link HistoryAccess}).
   */
  static final Map<String, List<Role>> HISTORY_READERS = Map.of(
      // requesters read the history of their own requests only (HistoryAccess, per instance)
      "change-request", List.of(Role.SYSTEM_OWNER, Role.CAB, Role.IT_APPROVER, Role.FINANCE_APPROVER, Role.DEPLOYER),
      "dr-test", List.of(Role.SYSTEM_OWNER, Role.IT_APPROVER),
      "backup-restore-test", List.of(Role.SYSTEM_OWNER),
      "access-request", List.of(Role.LINE_MANAGER, Role.SYSTEM_OWNER, Role.SECURITY_ADMIN, Role.FINANCE_APPROVER),
      "access-revocation", List.of(Role.SECURITY_ADMIN),
      "service-account-rotation", List.of(Role.SECURITY_ADMIN));

  record Grant(Resource resource, String resourceId, Permission... permissions) {}

  private RolePermissions() {}

  static List<Grant> grantsOf(Role role) {
    List<Grant> grants = new ArrayList<>();
    // every role works in Tasklist and sees the names of the processes
    grants.add(new Grant(APPLICATION, "tasklist", ACCESS));
    grants.add(new Grant(PROCESS_DEFINITION, "*", READ));
    for (String key : STARTABLE_PROCESSES.getOrDefault(role, List.of())) {
      grants.add(new Grant(PROCESS_DEFINITION, key, READ, CREATE_INSTANCE));
    }
    HISTORY_READERS.forEach((key, roles) -> {
      if (roles.contains(role)) {
        // READ only: an approver reads the history of the instances whose tasks they work (ApproverHistoryAccess),
        // not of every instance of the process; the grant stays so that an older READ_HISTORY is taken away
        grants.add(new Grant(PROCESS_DEFINITION, key, READ));
      }
    });
    if (STARTABLE_PROCESSES.containsKey(role)) {
      grants.add(new Grant(PROCESS_INSTANCE, "*", CREATE));
    }
    switch (role) {
      case AUDITOR -> {
        // read everything, change nothing
        grants.add(new Grant(APPLICATION, "cockpit", ACCESS));
        grants.add(new Grant(PROCESS_DEFINITION, "*", READ, READ_HISTORY));
        grants.add(new Grant(PROCESS_INSTANCE, "*", READ));
        grants.add(new Grant(DECISION_DEFINITION, "*", READ, READ_HISTORY));
        grants.add(new Grant(DECISION_REQUIREMENTS_DEFINITION, "*", READ));
        grants.add(new Grant(DEPLOYMENT, "*", READ));
        grants.add(new Grant(TASK, "*", READ));
      }
      case GOVERNANCE_LEAD -> {
        // follows the models and their instances in Cockpit; changes nothing there: ALL on definitions would include
        // working on every task, modifying and deleting instances and history, and deleting deployments with cascade
        grants.add(new Grant(APPLICATION, "cockpit", ACCESS));
        grants.add(new Grant(DEPLOYMENT, "*", READ));
        grants.add(new Grant(PROCESS_DEFINITION, "*", READ, READ_HISTORY));
        grants.add(new Grant(DECISION_DEFINITION, "*", READ, READ_HISTORY));
        grants.add(new Grant(DECISION_REQUIREMENTS_DEFINITION, "*", READ));
        grants.add(new Grant(PROCESS_INSTANCE, "*", READ));
      }
      case SECURITY_ADMIN -> {
        // sees users, groups and authorizations; changes users through the application's API, where it is audited
        grants.add(new Grant(APPLICATION, "admin", ACCESS));
        grants.add(new Grant(USER, "*", READ));
        grants.add(new Grant(GROUP, "*", READ));
        grants.add(new Grant(AUTHORIZATION, "*", READ));
      }
      default -> { }
    }
    return grants;
  }
}
