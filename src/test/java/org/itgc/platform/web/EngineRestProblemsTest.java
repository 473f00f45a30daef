package org.itgc.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Camunda's REST errors become problem+json in words, without the engine's class names. */
class EngineRestProblemsTest {

  private final EngineRestProblems problems = new EngineRestProblems(new ObjectMapper());

  @Test
  void anEngineErrorBecomesAProblemThatKeepsItsMessageAndCodeButNoClassName() {
    byte[] body = ("{\"type\":\"InvalidRequestException\",\"message\":\"Cannot set query parameter 'maxResults' to value"
        + " 'abc': Cannot convert value \\\"abc\\\" to java type java.lang.Integer\",\"code\":0}")
        .getBytes(StandardCharsets.UTF_8);
    var problem = problems.problem(400, body, "GET", "/engine-rest/task");
    assertThat(problem.get("type")).isEqualTo("urn:itgc:problem:engine-rest:invalid-request");
    assertThat(problem.get("title")).isEqualTo("Bad Request");
    assertThat(problem.get("status")).isEqualTo(400);
    assertThat(problem.get("instance")).isEqualTo("/engine-rest/task");
    assertThat((String) problem.get("detail")).isEqualTo("Cannot set query parameter 'maxResults' to value 'abc':"
        + " Cannot convert value \"abc\" to java type a whole number");
    assertThat(problem.get("message")).isEqualTo(problem.get("detail"));
    assertThat(problem.get("code").toString()).isEqualTo("0");
  }

  @Test
  void exceptionNamesAndPackagesAreDroppedAndABodyThatIsNotTheEnginesGetsItsStatusWords() {
    assertThat(EngineRestProblems.words("org.camunda.bpm.engine.exception.NullValueException: task is null"))
        .isEqualTo("task is null");
    assertThat(EngineRestProblems.words("ProcessEngineException: Unknown property used in expression"))
        .isEqualTo("Unknown property used in expression");
    assertThat(EngineRestProblems.words("expected class java.util.Map but was org.example.Thing"))
        .isEqualTo("expected an object but was a value");
    assertThat(EngineRestProblems.kind("AuthorizationException", 403)).isEqualTo("authorization");
    assertThat(EngineRestProblems.kind("", 404)).isEqualTo("not-found");
    var problem = problems.problem(404, "not json".getBytes(StandardCharsets.UTF_8), "GET", "/engine-rest/x");
    assertThat(problem.get("type")).isEqualTo("urn:itgc:problem:engine-rest:not-found");
    assertThat(problem.get("detail")).isEqualTo("Not Found");
  }

  @Test
  void theEnginesServerErrorsForAnUnknownRecordOrATooDeepBodyAreClientErrors() {
    var missing = problems.problem(500, ("{\"type\":\"NullValueException\",\"message\":\"execution fuzz-1 doesn't"
        + " exist: execution is null\",\"code\":0}").getBytes(StandardCharsets.UTF_8), "GET",
        "/engine-rest/execution/fuzz-1/localVariables");
    assertThat(missing.get("status")).isEqualTo(404);
    // a failure behind a step that merely mentions something missing is still a server error
    var wrapped = problems.problem(500, ("{\"type\":\"RestException\",\"message\":\"Cannot complete task abc123: ERROR:"
        + " relation \\\"access_request\\\" does not exist\"}").getBytes(StandardCharsets.UTF_8), "POST",
        "/engine-rest/task/abc123/complete");
    assertThat(wrapped.get("status")).isEqualTo(500);
    var otherRecord = problems.problem(500, ("{\"type\":\"RestException\",\"message\":\"Cannot complete task abc123:"
        + " identity E42 not found\"}").getBytes(StandardCharsets.UTF_8), "POST", "/engine-rest/task/abc124/complete");
    assertThat(otherRecord.get("status")).as("the message names no record of the path").isEqualTo(500);
    var npe = problems.problem(500, ("{\"type\":\"NullPointerException\",\"message\":\"Cannot invoke"
        + " \\\"org.camunda.bpm.engine.impl.persistence.entity.TaskEntity.getFormKey()\\\" because \\\"task\\\" is null\"}")
        .getBytes(StandardCharsets.UTF_8), "GET", "/engine-rest/task/x/deployed-form");
    assertThat(npe.get("status")).isEqualTo(404);
    assertThat(npe.get("detail")).isEqualTo("no task with the id the path names");
    var deep = problems.problem(500, ("{\"type\":\"StreamConstraintsException\",\"message\":\"Document nesting depth"
        + " (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)\"}")
        .getBytes(StandardCharsets.UTF_8), "GET", "/engine-rest/task");
    assertThat(deep.get("status")).isEqualTo(400);
    assertThat((String) deep.get("detail")).startsWith("body: Document nesting depth (1001) exceeds the maximum allowed")
        .doesNotContain("StreamReadConstraints");
    var genuine = problems.problem(500, "{\"type\":\"ProcessEngineException\",\"message\":\"disk full\"}"
        .getBytes(StandardCharsets.UTF_8), "GET", "/engine-rest/task");
    assertThat(genuine.get("status")).as("a server error stays one").isEqualTo(500);
  }
}
