package org.itgc.security;

import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.HistoricProcessInstancePermissions;
import org.camunda.bpm.engine.authorization.Resources;
import org.springframework.stereotype.Component;

/**
 * Who reads the history of which instance. With the engine's historic instance permissions on, a requester reads
 * the history (variables, tasks, comments) of the instances they requested, and no one else's: the capability that
 * registers a request grants it here. Approver roles read the history of the processes they approve in
 * ({@link RolePermissions#HISTORY_READERS}); auditors read everything.
 */
@Component
public class HistoryAccess {

  private final AuthorizationService authorizations;

  HistoryAccess(AuthorizationService authorizations) {
    this.authorizations = authorizations;
  }

  /** Lets {@code user} read the history of one process instance (idempotent). */
  public void grantRequester(String processInstanceId, String user) {
    if (user == null || authorizations.createAuthorizationQuery().userIdIn(user)
        .resourceType(Resources.HISTORIC_PROCESS_INSTANCE).resourceId(processInstanceId).count() > 0) {
      return;
    }
    Authorization authorization = authorizations.createNewAuthorization(Authorization.AUTH_TYPE_GRANT);
    authorization.setUserId(user);
    authorization.setResource(Resources.HISTORIC_PROCESS_INSTANCE);
    authorization.setResourceId(processInstanceId);
    authorization.addPermission(HistoricProcessInstancePermissions.READ);
    authorizations.saveAuthorization(authorization);
  }
}
