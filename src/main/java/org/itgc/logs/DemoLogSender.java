package org.itgc.logs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.itgc.security.ApiCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The demo profile only ({@code itgc.logs.demo-token-file} set): a credential of scope logs for ERP-GL, issued at
 * start unless the one whose token the file holds is still valid, its token written to that file (readable by its
 * owner only), so that the README's HEC and syslog examples work. No other profile issues one.
 */
@Component
@ConditionalOnProperty("itgc.logs.demo-token-file")
class DemoLogSender {

  static final String SYSTEM = "ERP-GL";
  private static final Logger log = LoggerFactory.getLogger(DemoLogSender.class);

  private final ApiCredentials credentials;
  private final Clock clock;
  private final Path file;

  DemoLogSender(ApiCredentials credentials, Clock clock,
      @org.springframework.beans.factory.annotation.Value("${itgc.logs.demo-token-file}") Path file) {
    this.credentials = credentials;
    this.clock = clock;
    this.file = file;
  }

  /** Where the token is written. */
  Path file() {
    return file;
  }

  @EventListener(ApplicationReadyEvent.class)
  void ensure() throws IOException {
    if (Files.exists(file)) {
      String token = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (credentials.authenticateLogSender(token).filter(s -> s.system().equals(SYSTEM)).isPresent()) {
        return;
      }
    }
    Map<String, Object> issued = credentials.issue("demo: ERP-GL log sender", List.of(ApiCredentials.LOGS), SYSTEM,
        clock.instant().plus(Duration.ofDays(365)), "system");
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, issued.get("token") + "\n", StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // the file system's own permissions apply
    }
    log.info("Demo: a logs credential for {} was issued; its token is in {}", SYSTEM, file);
  }
}
