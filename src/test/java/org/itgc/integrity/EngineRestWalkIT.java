package org.itgc.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A walk of every operation of Camunda's REST API that is not a read, found by reflection over the engine's own REST
 * resources (so that an operation added by a Camunda upgrade is walked too): each is sent by an approver, and each
 * leaves an audit event, whatever the answer (done, refused by the engine's surface, refused by the engine, or failed);
 * every generic write is refused with 403, and nothing answers with a server error.
 */
@IntegrationTest
class EngineRestWalkIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  /** "VERB /path/{param}" of every non-GET operation. */
  static List<String> operations() {
    return org.itgc.support.EngineRestOperations.all().stream().filter(o -> !o.startsWith("GET ")).toList();
  }

  /** The shapes of Camunda's query endpoints sent as POST: a collection or its count, a saved filter's execution. */
  private static final java.util.regex.Pattern QUERY = java.util.regex.Pattern.compile(
      "(/history)?/[a-z-]+(/count)?|/filter/\\{id}/(count|list|singleResult)");

  @Test
  void everyNonReadOperationOfTheEngineApiLeavesAnAuditEvent() throws Exception {
    var sofia = Http.as(port, "sofia");
    List<String> operations = operations();
    assertThat(operations).as("the walk finds the engine's operations").hasSizeGreaterThan(100);
    List<String> silent = new ArrayList<>();
    List<String> serverErrors = new ArrayList<>();
    List<String> queries = new ArrayList<>();
    List<String> writesNotRefused = new ArrayList<>();
    int walked = 0;
    for (String operation : operations) {
      String verb = operation.substring(0, operation.indexOf(' '));
      String path = "/engine-rest" + operation.substring(operation.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "walk-x");
      var kind = EngineOperation.of(verb, path).map(EngineOperation::kind).orElse(null);
      if (kind == EngineOperation.Kind.READ) {
        queries.add(operation);
        continue; // queries sent as POST (their body is the query): no state changes
      }
      walked++;
      long before = jdbc.queryForObject("select coalesce(max(id), 0) from audit_event", Long.class);
      var response = sofia.send(verb, path, "application/json", "{}");
      if (response.status() >= 500) {
        serverErrors.add(operation + " -> " + response.status());
      }
      if (kind == EngineOperation.Kind.WRITE && response.status() != 403) {
        writesNotRefused.add(operation + " -> " + response.status());
      }
      int events = jdbc.queryForObject("select count(*) from audit_event where id > ? and action not in "
          + "('login.success')", Integer.class, before);
      if (events == 0) {
        silent.add(operation + " -> " + response.status());
      }
    }
    System.out.printf("EngineRestWalkIT: %d operations, %d walked as state changes, %d answered 5xx: %s%n",
        operations.size(), walked, serverErrors.size(), serverErrors);
    // what the surface lets through as reads are queries whose body is the query (POST .../count and the like)
    assertThat(queries).as("operations taken for reads").allMatch(q -> q.startsWith("POST ")
        && QUERY.matcher(q.substring(5)).matches());
    assertThat(walked).isGreaterThan(100);
    assertThat(silent).as("operations that left no audit event").isEmpty();
    assertThat(writesNotRefused).as("generic writes (variables, modification, migration, restart, deletion, jobs, "
        + "incidents, messages, signals, identity) answered otherwise than 403 for a person").isEmpty();
    assertThat(serverErrors).as("operations answered with a server error").isEmpty();
  }
}
