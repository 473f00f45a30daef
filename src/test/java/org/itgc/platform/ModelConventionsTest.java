package org.itgc.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Every model the project ships meets the conventions; the checker itself finds each kind of problem. */
class ModelConventionsTest {

  @Test
  void everyShippedModelMeetsTheConventions() {
    assertThat(ModelConventions.check(Path.of("."))).isEmpty();
  }

  @Test
  void theCheckerFindsEachKindOfProblemInBrokenSamples() {
    var problems = ModelConventions.check(Path.of("src/test/resources/model-conventions/broken"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("file name should be the process key"))
        .anySatisfy(p -> assertThat(p).contains("has no camunda:historyTimeToLive"))
        .anySatisfy(p -> assertThat(p).contains("userTask 'Activity_0abc123' has a generated id"))
        .anySatisfy(p -> assertThat(p).contains("has no BPMNShape"))
        .anySatisfy(p -> assertThat(p).contains("sequenceFlow 'Flow_ToReview' has no BPMNEdge"))
        .anySatisfy(p -> assertThat(p).contains("userTask 'Activity_0abc123' has no name"))
        .anySatisfy(p -> assertThat(p).contains("has no candidate groups"))
        .anySatisfy(p -> assertThat(p).contains("refers to form 'missing-form'"))
        .anySatisfy(p -> assertThat(p).contains("names a Java class"))
        .anySatisfy(p -> assertThat(p).contains("decision 'wrong-name' has no camunda:historyTimeToLive"))
        .anySatisfy(p -> assertThat(p).contains("has no typeRef"))
        .anySatisfy(p -> assertThat(p).contains("has no rules"))
        .anySatisfy(p -> assertThat(p).contains("file name should be a decision key"))
        .anySatisfy(p -> assertThat(p).contains("key 'title' is used twice"))
        .anySatisfy(p -> assertThat(p).contains("file name should be the form id"));
  }

  /** The shared tool and this test agree; skipped where the shared tool or python3 is not beside the project. */
  @Test
  void theSharedCheckModelsToolReportsZeroProblems() throws IOException, InterruptedException {
    Path tool = Path.of("..", "shared", "tools", "check-models");
    Assumptions.assumeTrue(Files.isRegularFile(tool), "../shared/tools/check-models is not beside the project");
    Process process;
    try {
      process = new ProcessBuilder("python3", tool.toString(), ".").redirectErrorStream(true).start();
    } catch (IOException e) {
      Assumptions.abort("python3 is not installed: " + e.getMessage());
      return;
    }
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(output.strip()).endsWith(": 0 problems");
  }
}
