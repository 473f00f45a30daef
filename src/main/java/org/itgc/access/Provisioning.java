package org.itgc.access;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.audit.AuditTrail;
import org.springframework.stereotype.Component;

/**
 * The provisioning connectors and how a connector step fails. The connector steps run as jobs with retries
 * ({@code camunda:failedJobRetryTimeCycle} in the model); a failure is thrown again so that the engine retries, and at
 * the last attempt it becomes the BPMN error {@value #FAILED}, which the models catch to hand the work to a person.
 */
@Component
class Provisioning {

  static final String FAILED = "PROVISIONING_FAILED";
  /** Attempts of a connector step before a person takes over; fewer than the models' retry cycle (R3: 4 runs). */
  static final int ATTEMPTS = 3;

  private final Map<String, ProvisioningConnector> connectors;
  private final AuditRecorder audit;
  private final AuditTrail trail;

  Provisioning(List<ProvisioningConnector> connectors, ConfiguredConnectors configured, AuditRecorder audit,
      AuditTrail trail) {
    this.trail = trail;
    // the connectors in code (this engine's roles) and those of config/connectors.yaml (directories, databases)
    this.connectors = java.util.stream.Stream.concat(connectors.stream(), configured.all().stream())
        .collect(Collectors.toMap(ProvisioningConnector::id, Function.identity(), (a, b) -> {
          throw new IllegalStateException("two provisioning connectors are named " + a.id());
        }));
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

  /**
   * Runs a connector step: a failure is retried by the engine; the ATTEMPTS-th failure of the step becomes a
   * fulfilment task. Failures are counted from their audit events, which are written in a transaction of their own
   * and so outlive the failed attempt (the job being executed cannot be read back inside it, and each retry runs on a
   * new execution): {@code subject} names what is provisioned, the same at every attempt.
   */
  void attempt(String processInstanceId, String activityId, String subject, Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      int attempt = (int) trail.count("access.provisioning.failure", processInstanceId,
          Map.of("subject", subject, "activity", activityId)) + 1;
      audit.recordIndependently(AuditEvent.system("access.provisioning.failure", "process-instance",
          processInstanceId).outcome(AuditEvent.Outcome.FAILURE).detail("activity", activityId)
          .detail("subject", subject)
          .detail("error", String.valueOf(e.getMessage())).detail("attempt", attempt).detail("attempts", ATTEMPTS).build());
      if (attempt >= ATTEMPTS) {
        throw new BpmnError(FAILED, "connector failed " + attempt + " times: " + e.getMessage());
      }
      throw e;
    }
  }
}
