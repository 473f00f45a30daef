package org.itgc.security;

import java.util.ArrayList;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.bpmn.behavior.UserTaskActivityBehavior;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.auth.DefaultAuthorizationProvider;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.persistence.entity.AuthorizationEntity;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.camunda.bpm.engine.task.Task;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * Approvers read what their tasks need: when a task of any model is assigned (claimed, or created for a named line
 * manager), its assignee may read the history of that one process instance (earlier decisions, comments,
 * attachments), and nothing else of the process. Attached to every user task when a model is parsed, so a new model
 * gets it without a listener of its own. The grant is the server's: written without the assignee's own rights.
 */
@Component
class ApproverHistoryAccess extends AbstractProcessEnginePlugin {

  private final HistoryAccess history;

  ApproverHistoryAccess(@Lazy HistoryAccess history) {
    this.history = history;
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    // Camunda gives every candidate group of a task READ on its historic task, and that reads every variable of the
    // whole instance: every line manager would read every access request's justification. Candidates get the task
    // itself (to see and claim it); the history opens to the one who takes it (below, and the engine's own grant
    // to an assignee).
    configuration.setResourceAuthorizationProvider(new DefaultAuthorizationProvider() {
      @Override
      public AuthorizationEntity[] newTaskGroupIdentityLink(Task task, String groupId, String type) {
        return java.util.Arrays.stream(super.newTaskGroupIdentityLink(task, groupId, type))
            .filter(a -> a.getResourceType() != Resources.HISTORIC_TASK.resourceType())
            .toArray(AuthorizationEntity[]::new);
      }
    });
    if (configuration.getCustomPostBPMNParseListeners() == null) {
      configuration.setCustomPostBPMNParseListeners(new ArrayList<>());
    }
    TaskListener openHistory = task -> {
      String assignee = task.getAssignee();
      if (assignee != null && task.getProcessInstanceId() != null) {
        Context.getCommandContext().runWithoutAuthorization(() -> {
          history.grantReader(task.getProcessInstanceId(), assignee);
          return null;
        });
      }
    };
    configuration.getCustomPostBPMNParseListeners().add(new AbstractBpmnParseListener() {
      @Override
      public void parseUserTask(Element userTaskElement, ScopeImpl scope, ActivityImpl activity) {
        if (activity.getActivityBehavior() instanceof UserTaskActivityBehavior behavior) {
          // fired on every claim, and before "create" for a task created with its assignee (a named line manager)
          behavior.getTaskDefinition().addBuiltInTaskListener(TaskListener.EVENTNAME_ASSIGNMENT, openHistory);
        }
      }
    });
  }
}
