package org.itgc.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.camunda.bpm.engine.RepositoryService;
import org.itgc.ItgcEngineApplication;
import org.itgc.support.TestMailServer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A broken model among the deployed folders stops the start with the parser's message naming the file; the
 * database keeps what was deployed before, and the next start without the broken file runs on it unchanged.
 */
class InvalidModelOwnContextIT {

  @Test
  void aBrokenModelStopsTheStartNamingTheFileAndNothingDeployedBeforeIsLost() throws Exception {
    Path data = Files.createTempDirectory(Path.of("target"), "invalid-model-");
    long definitions;
    long deployments;
    try (var first = start(data, false)) {
      definitions = first.getBean(RepositoryService.class).createProcessDefinitionQuery().count();
      deployments = first.getBean(RepositoryService.class).createDeploymentQuery().count();
      assertThat(definitions).isPositive();
    }
    assertThatThrownBy(() -> start(data, true).close())
        .hasStackTraceContaining("broken-at-start.bpmn").hasStackTraceContaining("Missing_Task");
    try (var third = start(data, false)) {
      var repository = third.getBean(RepositoryService.class);
      assertThat(repository.createProcessDefinitionQuery().count()).isEqualTo(definitions);
      assertThat(repository.createDeploymentQuery().count()).isEqualTo(deployments);
      assertThat(repository.createProcessDefinitionQuery().processDefinitionKey("broken-at-start").count()).isZero();
    }
  }

  private static ConfigurableApplicationContext start(Path data, boolean withBrokenModel) {
    String patterns = "classpath*:processes/*.bpmn,classpath*:dmn/*.dmn,classpath*:forms/*.form"
        + (withBrokenModel ? ",classpath*:broken-models/*.bpmn" : "");
    return new SpringApplicationBuilder(ItgcEngineApplication.class).profiles("demo", "test")
        .run("--server.port=0", "--camunda.bpm.process-engine-name=invalidModelIt",
            "--itgc.embedded-postgres.data-directory=" + data, "--itgc.embedded-postgres.clean=false",
            "--camunda.bpm.deployment-resource-pattern=" + patterns, "--spring.mail.port=" + TestMailServer.port());
  }
}
