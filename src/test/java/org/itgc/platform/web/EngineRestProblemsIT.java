package org.itgc.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The engine's REST API and Tasklist's answer errors as problem+json that names no class, as a client sees them. */
@IntegrationTest
class EngineRestProblemsIT {

  @LocalServerPort int port;

  @Test
  void anUnknownRecordBadPagingAndAnUnknownPathAreProblemsInWords() {
    var sofia = Http.as(port, "sofia");
    var unknown = sofia.get("/engine-rest/process-definition/key/no-such-process");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.contentType()).startsWith("application/problem+json");
    assertThat(unknown.json().get("type").asText()).startsWith("urn:itgc:problem:engine-rest:");
    assertThat(unknown.json().get("detail").asText()).contains("no-such-process");
    assertThat(unknown.json().get("message").asText()).isEqualTo(unknown.json().get("detail").asText());
    assertThat(unknown.body()).doesNotContain("Exception");

    var paging = sofia.get("/engine-rest/task?maxResults=many");
    assertThat(paging.status()).as(paging.toString()).isEqualTo(400);
    assertThat(paging.contentType()).startsWith("application/problem+json");
    assertThat(paging.json().get("detail").asText()).contains("maxResults").doesNotContain("java.");

    var nowhere = sofia.get("/engine-rest/no-such-resource");
    assertThat(nowhere.status()).isEqualTo(404);
    assertThat(nowhere.contentType()).startsWith("application/problem+json");

    // Tasklist's own API, in a logged-in session as Tasklist calls it
    var session = org.itgc.support.WebSession.tasklist(port, "sofia", Http.DEMO_PASSWORD);
    var tasklist = session.api("GET", "/camunda/api/engine/engine/default/task/no-such-task/form", null);
    assertThat(tasklist.status()).as(tasklist.toString()).isGreaterThanOrEqualTo(400).isLessThan(500);
    assertThat(tasklist.contentType()).startsWith("application/problem+json");
    assertThat(tasklist.body()).contains("\"message\"").doesNotContain("Exception");
    // a success passes untouched
    var tasks = sofia.get("/engine-rest/task?maxResults=1");
    assertThat(tasks.status()).isEqualTo(200);
    assertThat(tasks.contentType()).startsWith("application/json");
  }
}
