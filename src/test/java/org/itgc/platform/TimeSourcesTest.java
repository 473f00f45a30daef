package org.itgc.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The application reads the time from one place: the {@link java.time.Clock} bean, which is the engine's clock
 * ({@link EngineClock}), so that a test that sets the date moves business logic and timers together. Any other source
 * of "now" in the application's code fails this test, naming the file and line. Allowed: {@link EngineClock} itself,
 * the audit trail's real-time clock bean in {@link EngineConfiguration}, and the command-line code printer of
 * {@code Totp} (a tool run outside the application).
 */
class TimeSourcesTest {

  private static final Pattern OTHER_NOW = Pattern.compile(
      "\\b(Instant|LocalDate|LocalDateTime|LocalTime|OffsetDateTime|ZonedDateTime|Year|YearMonth)\\.now\\(|"
          + "System\\.currentTimeMillis\\(|new (java\\.util\\.)?Date\\(\\)|ClockUtil\\.|Clock\\.system");

  private static final Map<String, String> ALLOWED = Map.of(
      "org/itgc/platform/EngineClock.java", "ClockUtil.",
      "org/itgc/platform/EngineConfiguration.java", "Clock.system",
      "org/itgc/security/Totp.java", "Instant.now(");

  @Test
  void nothingButTheClockBeanTellsTheApplicationTheTime() throws IOException {
    Path root = Path.of("src/main/java");
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String name = root.relativize(file).toString().replace('\\', '/');
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).strip();
          if (line.startsWith("*") || line.startsWith("//") || line.startsWith("/*") || line.startsWith("import ")) {
            continue;
          }
          var matcher = OTHER_NOW.matcher(line);
          while (matcher.find()) {
            if (!matcher.group().startsWith(ALLOWED.getOrDefault(name, "\u0000"))) {
              found.add(name + ":" + (i + 1) + ": " + line);
            }
          }
        }
      }
    }
    assertThat(found).as("read the time from the injected java.time.Clock").isEmpty();
  }
}
