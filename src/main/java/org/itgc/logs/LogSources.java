package org.itgc.logs;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.itgc.platform.config.ConfigFiles;
import org.itgc.platform.config.ConfigValidationException;
import org.itgc.systems.SystemsInventory;
import org.springframework.stereotype.Component;

/**
 * The mappings of {@code config/log-sources.yaml}, read and validated whole at start-up (a system that is not in
 * {@code config/systems.yaml} stops the start with the file, entry and reason, as every config file does).
 */
@Component
public class LogSources {

  public static final String FILE = "log-sources.yaml";

  private final Map<String, LogSourcesFile.Source> bySystem;

  @org.springframework.beans.factory.annotation.Autowired
  LogSources(ConfigFiles files, SystemsInventory systems) {
    this(files, id -> systems.find(id).isPresent());
  }

  /** The mappings of the file, each of a system that {@code knownSystem} knows. */
  LogSources(ConfigFiles files, java.util.function.Predicate<String> knownSystem) {
    LogSourcesFile file = files.read(FILE, LogSourcesFile.class);
    List<String> unknown = file.sources().stream().map(LogSourcesFile.Source::system)
        .filter(s -> !knownSystem.test(s)).toList();
    if (!unknown.isEmpty()) {
      throw new ConfigValidationException(files.resolve(FILE), unknown.stream()
          .map(s -> "sources: system " + s + " is not in " + SystemsInventory.FILE).toList());
    }
    this.bySystem = file.sources().stream()
        .collect(Collectors.toUnmodifiableMap(LogSourcesFile.Source::system, Function.identity()));
  }

  /** The systems with a mapping. */
  public java.util.Set<String> systems() {
    return bySystem.keySet();
  }

  /** How often each system with a mapping is expected to send at least one record, by system. */
  public Map<String, java.time.Duration> expectations() {
    return bySystem.values().stream().collect(Collectors.toUnmodifiableMap(LogSourcesFile.Source::system,
        LogSourcesFile.Source::expected));
  }

  /** What the watcher needs to know of a system's records (the defaults for a system without a mapping). */
  LogSourcesFile.Watch watch(String system) {
    return source(system).map(LogSourcesFile.Source::watching).orElseGet(() -> new LogSourcesFile.Watch(null, null,
        null));
  }

  Optional<LogSourcesFile.Source> source(String system) {
    return Optional.ofNullable(bySystem.get(system));
  }
}
