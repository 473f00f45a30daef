package org.itgc.access;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.runtime.Job;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.springframework.stereotype.Component;

/**
 * The provisioning connectors and how a connector step fails. The connector steps run as jobs with retries
 * ({@code camunda:failedJobRetryTimeCycle} in the model); a failure is thrown again so that the engine retries, and on
 * the last attempt it becomes the BPMN error {@value #FAILED}, which the models catch to hand the work to a person.
 */
@Component
class Provisioning {

  static final String FAILED = "PROVISIONING_FAILED";

  private final Map<String, ProvisioningConnector> connectors;
  private final AuditRecorder audit;

  Provisioning(List<ProvisioningConnector> connectors, AuditRecorder audit) {
    this.connectors = connectors.stream().collect(Collectors.toMap(ProvisioningConnector::id, Function.identity()));
    this.audit = audit;
  }

  boolean exists(String id) {
    return connectors.containsKey(id);
  }

  ProvisioningConnector connector(String id) {
    ProvisioningConnector connector = connectors.get(id);
    if (connector == null) {
      throw new IllegalStateException("no provisioning connector '" + id + "' (config/access.yaml)");
    }
    return connector;
  }

  /** Runs a connector step: a failure is retried by the engine; the last failure becomes a fulfilment task. */
  void attempt(DelegateExecution execution, Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      int retriesLeft = retriesLeft(execution);
      audit.recordIndependently(AuditEvent.system("access.provisioning.failure", "process-instance",
          execution.getProcessInstanceId()).outcome(AuditEvent.Outcome.FAILURE).detail("activity",
          execution.getCurrentActivityId()).detail("error", String.valueOf(e.getMessage()))
          .detail("retriesLeft", retriesLeft).build());
      if (retriesLeft <= 1) {
        throw new BpmnError(FAILED, "connector failed on its last attempt: " + e.getMessage());
      }
      throw e;
    }
  }

  /** The attempts left of the job running this step, this one included; 1 when it does not run as a job. */
  private static int retriesLeft(DelegateExecution execution) {
    Job job = SodRules.withoutAuthorization(() -> execution.getProcessEngineServices().getManagementService()
        .createJobQuery().executionId(execution.getId()).singleResult());
    return job == null ? 1 : job.getRetries();
  }
}
