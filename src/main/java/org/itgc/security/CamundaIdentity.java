package org.itgc.security;

import org.itgc.platform.Role;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.FilterService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.filter.Filter;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.task.TaskQuery;
import org.springframework.stereotype.Component;

/**
 * Mirrors the engine's users and roles into Camunda's identity tables (the webapps read them) and keeps each role's
 * group, authorizations and Tasklist filters in place. Idempotent: runs at every start.
 */
@Component
public class CamundaIdentity {

  static final String FILTER_MY_TASKS = "My tasks";
  /**
   * Camunda's webapps send everyone to their "create the first admin" page while this group has no member, so
   * engine administrators are mirrored into it as well; it is an administrator group of the engine like engine-admin.
   */
  static final String CAMUNDA_ADMIN_GROUP = org.camunda.bpm.engine.authorization.Groups.CAMUNDA_ADMIN;
  static final String FILTER_GROUP_TASKS = "My groups' tasks";

  private final IdentityService identityService;
  private final AuthorizationService authorizationService;
  private final FilterService filterService;

  CamundaIdentity(IdentityService identityService, AuthorizationService authorizationService,
      FilterService filterService) {
    this.identityService = identityService;
    this.authorizationService = authorizationService;
    this.filterService = filterService;
  }

  /** Creates the role groups, their grants and the shared Tasklist filters where missing. */
  void ensureRolesAndFilters() {
    for (Role role : Role.values()) {
      Group group = identityService.createGroupQuery().groupId(role.groupId()).singleResult();
      if (group == null) {
        group = identityService.newGroup(role.groupId());
        group.setName(role.displayName());
        group.setType("WORKFLOW");
        identityService.saveGroup(group);
      }
      // one authorization per resource: the permissions of every grant on it together
      Map<String, RolePermissions.Grant> merged = new java.util.LinkedHashMap<>();
      for (RolePermissions.Grant grant : RolePermissions.grantsOf(role)) {
        merged.merge(grant.resource().resourceType() + "/" + grant.resourceId(), grant, (a, b) ->
            new RolePermissions.Grant(a.resource(), a.resourceId(), java.util.stream.Stream.concat(
                Arrays.stream(a.permissions()), Arrays.stream(b.permissions())).distinct()
                .toArray(org.camunda.bpm.engine.authorization.Permission[]::new)));
      }
      merged.values().forEach(grant -> grant(role.groupId(), grant));
    }
    if (identityService.createGroupQuery().groupId(CAMUNDA_ADMIN_GROUP).count() == 0) {
      Group admins = identityService.newGroup(CAMUNDA_ADMIN_GROUP);
      admins.setName("Camunda administrators (mirror of engine-admin)");
      admins.setType(org.camunda.bpm.engine.authorization.Groups.GROUP_TYPE_SYSTEM);
      identityService.saveGroup(admins);
    }
    // the default filter (the lowest priority opens first): what the user may work on, whoever it is assigned to in
    // their groups, and what is theirs by name (assigned to them, or offered to them as a candidate user)
    // (a candidate user is one directly or through one of their groups; Camunda takes no candidate user and groups in
    // one query)
    String groupTasks = ensureFilter(FILTER_GROUP_TASKS, -20, taskQuery().or()
        .taskCandidateUserExpression("${currentUser()}").includeAssignedTasks()
        .taskAssigneeExpression("${currentUser()}")
        .endOr());
    String myTasks = ensureFilter(FILTER_MY_TASKS, -10, taskQuery().taskAssigneeExpression("${currentUser()}"));
    for (Role role : Role.values()) {
      grant(role.groupId(), new RolePermissions.Grant(Resources.FILTER, myTasks,
          org.camunda.bpm.engine.authorization.Permissions.READ));
      grant(role.groupId(), new RolePermissions.Grant(Resources.FILTER, groupTasks,
          org.camunda.bpm.engine.authorization.Permissions.READ));
    }
  }

  private TaskQuery taskQuery() {
    return filterService.newTaskFilter().getQuery();
  }

  /**
   * Creates the shared filter, or brings an existing one (of an earlier version) to this query and these properties:
   * saved only when something differs, so a start changes nothing when nothing changed.
   */
  private String ensureFilter(String name, int priority, TaskQuery query) {
    Map<String, Object> properties = new HashMap<>();
    properties.put("priority", priority);
    properties.put("description", name);
    properties.put("refresh", true);
    properties.put("variables", TASK_LIST_VARIABLES);
    Filter existing = filterService.createFilterQuery().filterName(name).singleResult();
    Filter filter = existing != null ? existing : filterService.newTaskFilter(name).setOwner(null);
    if (existing != null && sameQuery(existing, query) && properties.equals(existing.getProperties())) {
      return existing.getId();
    }
    filter.setQuery(query).setProperties(properties);
    filterService.saveFilter(filter);
    return filter.getId();
  }

  private static boolean sameQuery(Filter filter, TaskQuery query) {
    var converter = new org.camunda.bpm.engine.impl.json.JsonTaskQueryConverter();
    return converter.toJson((org.camunda.bpm.engine.impl.TaskQueryImpl) filter.getQuery()).toString()
        .equals(converter.toJson((org.camunda.bpm.engine.impl.TaskQueryImpl) query).toString());
  }

  /**
   * The variables Tasklist shows in the list of a filter, each with its label: the record's number and the system, as
   * the server wrote them (display only; the task's name carries the number and title from the server's tables).
   */
  static final java.util.List<Map<String, String>> TASK_LIST_VARIABLES = java.util.List.of(
      Map.of("name", "changeId", "label", "Change"),
      Map.of("name", "accessRequestId", "label", "Access request"),
      Map.of("name", "revocationId", "label", "Revocation"),
      Map.of("name", "campaignId", "label", "Campaign"),
      Map.of("name", "systemId", "label", "System"),
      Map.of("name", "criticality", "label", "Criticality"));

  private void grant(String groupId, RolePermissions.Grant grant) {
    Authorization authorization = authorizationService.createAuthorizationQuery()
        .groupIdIn(groupId).resourceType(grant.resource()).resourceId(grant.resourceId()).singleResult();
    if (authorization == null) {
      authorization = authorizationService.createNewAuthorization(Authorization.AUTH_TYPE_GRANT);
      authorization.setGroupId(groupId);
      authorization.setResource(grant.resource());
      authorization.setResourceId(grant.resourceId());
    } else if (authorization instanceof org.camunda.bpm.engine.impl.persistence.entity.AuthorizationEntity entity
        && entity.getPermissions() == mask(grant)) {
      return;
    }
    // exactly what RolePermissions says: a permission it no longer lists (ALL of an earlier version) is taken away
    authorization.setPermissions(grant.permissions());
    authorizationService.saveAuthorization(authorization);
  }

  private static int mask(RolePermissions.Grant grant) {
    return Arrays.stream(grant.permissions()).mapToInt(org.camunda.bpm.engine.authorization.Permission::getValue)
        .reduce(0, (a, b) -> a | b);
  }

  /** Creates or updates the Camunda user and sets its group memberships to exactly the given roles. */
  void saveUser(String username, String displayName, String email, Set<Role> roles) {
    saveUser(username, displayName, email, roles, Set.of());
  }

  /**
   * As above, when the user held {@code before} (our own table, read in this transaction). Inside an engine command (a
   * connector's job giving two roles one after the other) a membership created earlier in the same command is not yet
   * in the engine's tables, so its query does not see it: a role held before is not created again.
   */
  void saveUser(String username, String displayName, String email, Set<Role> roles, Set<Role> before) {
    User user = identityService.createUserQuery().userId(username).singleResult();
    if (user == null) {
      user = identityService.newUser(username);
    }
    String name = displayName == null ? username : displayName.trim();
    int space = name.lastIndexOf(' ');
    user.setFirstName(space < 0 ? name : name.substring(0, space));
    user.setLastName(space < 0 ? "" : name.substring(space + 1));
    user.setEmail(email);
    identityService.saveUser(user);
    for (Role role : Role.values()) {
      boolean member = identityService.createUserQuery().userId(username).memberOfGroup(role.groupId()).count() > 0;
      if (roles.contains(role) && !member && !before.contains(role)) {
        identityService.createMembership(username, role.groupId());
      } else if (!roles.contains(role) && member) {
        identityService.deleteMembership(username, role.groupId());
      }
    }
    boolean admin = identityService.createUserQuery().userId(username).memberOfGroup(CAMUNDA_ADMIN_GROUP).count() > 0;
    if (roles.contains(Role.ENGINE_ADMIN) && !admin && !before.contains(Role.ENGINE_ADMIN)) {
      identityService.createMembership(username, CAMUNDA_ADMIN_GROUP);
    } else if (!roles.contains(Role.ENGINE_ADMIN) && admin) {
      identityService.deleteMembership(username, CAMUNDA_ADMIN_GROUP);
    }
  }
}
