package org.itgc.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import org.itgc.integrity.EngineOperation.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The allow-list of the engine's REST surfaces: what is not listed is a write, closed to people. */
class EngineOperationTest {

  @ParameterizedTest(name = "{0} {1} is {2}")
  @CsvSource({
      "GET, /engine-rest/task?candidateGroup=cab, READ",
      "POST, /engine-rest/task, READ",
      "POST, /engine-rest/history/variable-instance, READ",
      "POST, /camunda/api/engine/engine/default/filter/f1/list, READ",
      "POST, /engine-rest/task/t1/claim, TASK_WORK",
      "POST, /camunda/api/engine/engine/default/task/t1/comment/create, TASK_WORK",
      "POST, /engine-rest/task/t1/complete, COMPLETE",
      "POST, /camunda/api/engine/engine/default/task/t1/submit-form, COMPLETE",
      "POST, /engine-rest/engine/default/task/t1/complete, COMPLETE",
      "POST, /engine-rest/process-definition/key/change-request/start, START",
      "POST, /engine-rest/process-definition/key/change-request/tenant-id/t/submit-form, START",
      "POST, /camunda/api/engine/engine/default/process-definition/pd1/submit-form, START",
      "POST, /engine-rest/deployment/create, DEPLOY",
      "POST, /camunda/api/engine/engine/default/filter/create, FILTER",
      "PUT, /engine-rest/task/t1/localVariables/requester, WRITE",
      "POST, /engine-rest/task/t1/localVariables, WRITE",
      "POST, /engine-rest/task/t1/assignee, WRITE",
      "POST, /engine-rest/task/t1/identity-links, WRITE",
      "PUT, /engine-rest/task/t1, WRITE",
      "POST, /engine-rest/process-instance/p1/modification, WRITE",
      "DELETE, /engine-rest/process-instance/p1, WRITE",
      "DELETE, /engine-rest/deployment/d1, WRITE",
      "POST, /engine-rest/message, WRITE",
      "POST, /engine-rest/signal, WRITE",
      "POST, /engine-rest/job/j1/retries, WRITE",
      "POST, /engine-rest/history/cleanup, WRITE",
      "POST, /engine-rest/group/cab/members/x, WRITE",
      "POST, /engine-rest/task/t1/complete;jsessionid=1, WRITE",
      "POST, /engine-rest//task/t1/complete, WRITE",
      "POST, /engine-rest/task/t1/%63omplete, WRITE",
      "POST, /engine-rest/engine/default/task/%36d2f0c1e/complete, WRITE",
      "POST, /camunda/api/engine/engine/default/task/%36d2f0c1e/submit-form, WRITE",
      "POST, /engine-rest/process-definition/key/%61ccess-request/start, WRITE",
      "POST, /engine-rest/engine/other/task/t1/complete, WRITE",
      "POST, /camunda/api/engine/engine/other/task/t1/complete, WRITE",
      "PATCH, /engine-rest/task/t1/complete, WRITE",
      "POST, /engine-rest/migration/execute, WRITE",
      "POST, /engine-rest/migration/executeAsync, WRITE",
      "POST, /engine-rest/process-definition/pd1/restart, WRITE",
      "POST, /engine-rest/process-definition/pd1/restart-async, WRITE",
      "PUT, /engine-rest/incident/i1/annotation, WRITE",
      "DELETE, /engine-rest/incident/i1, WRITE",
      "PUT, /engine-rest/process-instance/suspended, WRITE",
      "POST, /engine-rest/external-task/fetchAndLock, WRITE",
      "DELETE, /engine-rest/history/process-instance/p1, WRITE",
      "POST, /engine-rest/history/process-instance/delete, WRITE",
      "POST, /engine-rest/batch/b1/suspended, WRITE",
      "POST, /camunda/api/engine/engine/default/process-instance/p1/modification, WRITE"
  })
  void eachRequestIsWhatItDoes(String method, String uri, Kind kind) {
    assertThat(EngineOperation.of(method, uri)).hasValueSatisfying(op -> assertThat(op.kind()).isEqualTo(kind));
  }

  @Test
  void theTaskAndProcessAreNamed() {
    assertThat(EngineOperation.of("POST", "/engine-rest/task/t-42/complete").orElseThrow().taskId()).isEqualTo("t-42");
    var start = EngineOperation.of("POST", "/engine-rest/process-definition/key/dr-test/start").orElseThrow();
    assertThat(start.processDefinitionKey()).isEqualTo("dr-test");
    assertThat(start.processDefinitionId()).isNull();
    assertThat(EngineOperation.of("POST", "/api/changes")).isEmpty();
    // an engine named otherwise (camunda.bpm.process-engine-name): its own paths are task work, another's are writes
    assertThat(EngineOperation.of("POST", "/engine-rest/engine/ledger/task/t1/claim", "ledger").orElseThrow().kind())
        .isEqualTo(EngineOperation.Kind.TASK_WORK);
    assertThat(EngineOperation.of("POST", "/camunda/api/engine/engine/ledger/task/t1/submit-form", "ledger")
        .orElseThrow().kind()).isEqualTo(EngineOperation.Kind.COMPLETE);
    assertThat(EngineOperation.of("POST", "/engine-rest/engine/other/task/t1/claim", "ledger").orElseThrow().kind())
        .isEqualTo(EngineOperation.Kind.WRITE);
  }
}
