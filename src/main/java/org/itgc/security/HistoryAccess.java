package org.itgc.security;

import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.HistoricProcessInstancePermissions;
import org.camunda.bpm.engine.authorization.Resources;
import org.springframework.stereotype.Component;

/**
 * Who reads the history of which instance. With the engine's historic instance permissions on, a requester reads
 * the history (variables, tasks, comments) of the instances they requested, and no one else's: the capability that
 * registers a request grants it here. An approver reads the history of the instances whose tasks they are assigned
 * ({@link ApproverHistoryAccess}); auditors read everything.
 */
@Component
public class HistoryAccess {

  private final AuthorizationService authorizations;

  HistoryAccess(AuthorizationService authorizations) {
    this.authorizations = authorizations;
  }

  /** Lets {@code user} read the history of one process instance (idempotent). */
  public void grantReader(String processInstanceId, String user) {
    if (user == null || grantedInThisCommand(processInstanceId, user) || authorizations.createAuthorizationQuery()
        .userIdIn(user).resourceType(Resources.HISTORIC_PROCESS_INSTANCE).resourceId(processInstanceId).count() > 0) {
      return;
    }
    Authorization authorization = authorizations.createNewAuthorization(Authorization.AUTH_TYPE_GRANT);
    authorization.setUserId(user);
    authorization.setResource(Resources.HISTORIC_PROCESS_INSTANCE);
    authorization.setResourceId(processInstanceId);
    authorization.addPermission(HistoricProcessInstancePermissions.READ);
    authorizations.saveAuthorization(authorization);
  }

  /** A grant made earlier in the same engine command is not flushed yet, so a query does not see it. */
  private static boolean grantedInThisCommand(String processInstanceId, String user) {
    var command = org.camunda.bpm.engine.impl.context.Context.getCommandContext();
    return command != null && command.getDbEntityManager().getCachedEntitiesByType(
        org.camunda.bpm.engine.impl.persistence.entity.AuthorizationEntity.class).stream()
        .anyMatch(a -> user.equals(a.getUserId()) && processInstanceId.equals(a.getResourceId())
            && a.getResourceType() == Resources.HISTORIC_PROCESS_INSTANCE.resourceType());
  }
}
