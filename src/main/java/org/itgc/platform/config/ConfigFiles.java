package org.itgc.platform.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Reads the YAML files of {@code config/} that governance leads edit. A file is read whole and validated whole: any
 * problem stops the caller with a {@link ConfigValidationException} naming the file, the entry and the reason, so
 * that nothing is half-loaded.
 */
@Component
public class ConfigFiles {

  private final Path directory;
  private final Validator validator;
  private final ObjectMapper yaml;

  public ConfigFiles(@Value("${itgc.config-dir:config}") Path directory, Validator validator) {
    this.directory = directory;
    this.validator = validator;
    this.yaml = new ObjectMapper(new YAMLFactory())
        .registerModule(new JavaTimeModule())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
  }

  public Path directory() {
    return directory;
  }

  public Path resolve(String relative) {
    return directory.resolve(relative);
  }

  /** Reads {@code config/<relative>} into {@code type} and validates it with its Bean Validation constraints. */
  public <T> T read(String relative, Class<T> type) {
    return read(resolve(relative), type);
  }

  public <T> T read(Path file, Class<T> type) {
    T value;
    try {
      value = yaml.readValue(Files.readString(file), type);
    } catch (NoSuchFileException e) {
      throw new ConfigValidationException(file, List.of("the file does not exist"));
    } catch (JsonMappingException e) {
      throw new ConfigValidationException(file, List.of(describe(e)));
    } catch (JsonProcessingException e) {
      throw new ConfigValidationException(file, List.of("not valid YAML: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")")));
    } catch (IOException e) {
      throw new ConfigValidationException(file, List.of("cannot be read: " + e.getMessage()));
    }
    if (value == null) {
      throw new ConfigValidationException(file, List.of("the file is empty"));
    }
    List<String> problems = new ArrayList<>();
    validator.validate(value).stream()
        .sorted(Comparator.comparing((ConstraintViolation<T> v) -> v.getPropertyPath().toString()))
        .forEach(v -> problems.add(v.getPropertyPath() + ": " + v.getMessage()));
    if (value instanceof SelfValidating selfValidating) {
      problems.addAll(selfValidating.problems());
    }
    if (!problems.isEmpty()) {
      throw new ConfigValidationException(file, problems);
    }
    return value;
  }

  private static String describe(JsonMappingException e) {
    String path = org.itgc.platform.JsonPaths.of(e);
    String where = path.isEmpty() ? "" : path + ": ";
    String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    String message = e.getOriginalMessage().lines().findFirst().orElse("invalid value");
    if (message.startsWith("Cannot map `null` into type")) {
      message = "is required";
    } else if (message.startsWith("Cannot construct instance of") && message.contains("problem: ")) {
      message = message.substring(message.indexOf("problem: ") + "problem: ".length());
    } else if (message.startsWith("Unrecognized field")) {
      message = "is not a known field";
    }
    return where + message + line;
  }

  /** A configuration whose rules span several entries (unique ids, references) reports them here. */
  public interface SelfValidating {
    List<String> problems();
  }
}
