package org.itgc.platform;

import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RuntimeService;
import org.springframework.stereotype.Component;

/**
 * Starts a process on behalf of a logged-in user of the application's API, with the engine's authorization checks
 * applied to them (as Tasklist would), and returns the variables at the first wait state.
 */
@Component
public class ProcessStarter {

  private final RuntimeService runtimeService;
  private final IdentityService identityService;

  public ProcessStarter(RuntimeService runtimeService, IdentityService identityService) {
    this.runtimeService = runtimeService;
    this.identityService = identityService;
  }

  /**
   * Starts a process as the server (no user's authorization checks), for a step the server takes on its own
   * authority; whoever the request was for is named in the variables. The caller's engine login is kept.
   */
  public Map<String, Object> startAsServer(String processKey, Map<String, Object> variables) {
    return AsServer.call(identityService, () -> runtimeService.createProcessInstanceByKey(processKey)
        .setVariables(variables).executeWithVariablesInReturn().getVariables());
  }

  public Map<String, Object> startAs(String user, List<String> groups, String processKey, Map<String, Object> variables) {
    identityService.setAuthentication(user, groups);
    try {
      return runtimeService.createProcessInstanceByKey(processKey).setVariables(variables).executeWithVariablesInReturn()
          .getVariables();
    } finally {
      identityService.clearAuthentication();
    }
  }
}
