package org.itgc.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.itgc.ItgcEngineApplication;
import org.itgc.platform.config.ConfigValidationException;
import org.itgc.support.TestMailServer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.junit.jupiter.api.extension.ExtendWith;

/** An invalid file in config/ stops the start with a message naming the file, the entry and the problem. */
@ExtendWith(OutputCaptureExtension.class)
class InvalidConfigOwnContextIT {

  @Test
  void anInvalidSystemsFileStopsStartUpNamingFileEntryAndProblem(CapturedOutput output) throws IOException {
    Path config = copyOfConfig();
    String systems = Files.readString(config.resolve("systems.yaml"))
        .replace("tier: tier2", "tier: tier9");
    Files.writeString(config.resolve("systems.yaml"), systems);

    assertThatThrownBy(() -> start(config))
        .hasRootCauseInstanceOf(ConfigValidationException.class)
        .rootCause().hasMessageContaining("systems.yaml").hasMessageContaining("systems[2].tier")
        .hasMessageContaining("systems[2].tier: unknown tier 'tier9', expected tier1, tier2 or tier3 (line 35)");
    assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
        .contains("Invalid configuration file").contains("systems.yaml");
  }

  private static void start(Path config) {
    new SpringApplicationBuilder(ItgcEngineApplication.class)
        .profiles("demo", "test")
        .run("--server.port=0", "--camunda.bpm.process-engine-name=invalidConfigIt",
            "--itgc.config-dir=" + config, "--spring.mail.port=" + TestMailServer.port())
        .close();
  }

  private static Path copyOfConfig() throws IOException {
    Path target = Files.createTempDirectory(Path.of("target"), "config-");
    try (Stream<Path> files = Files.walk(Path.of("config"))) {
      for (Path source : files.toList()) {
        Path destination = target.resolve(Path.of("config").relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(destination);
        } else {
          Files.copy(source, destination);
        }
      }
    }
    return target;
  }
}
