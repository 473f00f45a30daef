package org.itgc.security;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.itgc.platform.config.ConfigFiles;
import org.itgc.platform.config.ConfigValidationException;
import org.springframework.stereotype.Component;

/**
 * The password policy of {@code config/password-policy.yaml}: a preset (nist-800-63b-4, classic-sox, pci-dss-4) with
 * any field overridden, and the blocklist of {@code config/password-blocklist.txt} that every preset applies. A
 * password equal to the user name is always refused.
 */
@Component
public class PasswordPolicy {

  public static final String FILE = "password-policy.yaml";
  public static final String BLOCKLIST = "password-blocklist.txt";

  /** The rules of one preset, or the effective policy. */
  public record Rules(@Min(1) @Max(1024) int minLength, @Min(1) @Max(1024) int maxLength, boolean requireUpper,
      boolean requireLower, boolean requireDigit, boolean requireSpecial, boolean requireLetterAndDigit,
      @Min(0) int expiryDays, @Min(0) @Max(100) int historySize, boolean blocklist) {}

  record File(@NotBlank String preset, Map<String, Object> overrides, @NotEmpty Map<String, @Valid Rules> presets)
      implements ConfigFiles.SelfValidating {
    @Override
    public List<String> problems() {
      List<String> problems = new ArrayList<>();
      if (presets != null && preset != null && !presets.containsKey(preset)) {
        problems.add("preset: '" + preset + "' is not one of " + presets.keySet());
      }
      if (overrides != null) {
        Set<String> fields = java.util.Arrays.stream(Rules.class.getRecordComponents()).map(c -> c.getName())
            .collect(Collectors.toSet());
        overrides.keySet().stream().filter(k -> !fields.contains(k)).forEach(k ->
            problems.add("overrides." + k + ": is not a policy field; expected one of " + new java.util.TreeSet<>(fields)));
      }
      return problems;
    }
  }

  private final String preset;
  private final Rules rules;
  private final Set<String> blocked;

  @org.springframework.beans.factory.annotation.Autowired
  public PasswordPolicy(ConfigFiles configFiles) {
    this(configFiles, null);
  }

  /** The policy of the file with another preset chosen (for tests and previews). */
  PasswordPolicy(ConfigFiles configFiles, String presetOverride) {
    File file = configFiles.read(FILE, File.class);
    this.preset = presetOverride != null ? presetOverride : file.preset();
    Rules base = file.presets().get(preset);
    if (base == null) {
      throw new IllegalArgumentException("no preset " + preset);
    }
    this.rules = presetOverride != null ? base : override(configFiles.resolve(FILE), base, file.overrides());
    Path list = configFiles.resolve(BLOCKLIST);
    try {
      this.blocked = Files.readAllLines(list).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .map(l -> l.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    } catch (IOException e) {
      throw new ConfigValidationException(list, List.of("cannot be read: " + e.getMessage()));
    }
  }

  private static Rules override(Path file, Rules base, Map<String, Object> overrides) {
    if (overrides == null || overrides.isEmpty()) {
      return base;
    }
    Map<String, Object> values = new HashMap<>();
    for (var component : Rules.class.getRecordComponents()) {
      try {
        values.put(component.getName(), component.getAccessor().invoke(base));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    values.putAll(overrides);
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().convertValue(values, Rules.class);
    } catch (IllegalArgumentException e) {
      throw new ConfigValidationException(file, List.of("overrides: " + e.getMessage()));
    }
  }

  public String preset() {
    return preset;
  }

  public Rules rules() {
    return rules;
  }

  @JsonIgnore
  public int blocklistSize() {
    return blocked.size();
  }

  /** Every rule the password breaks, as a sentence each; empty when it is acceptable. */
  public List<String> problems(String username, String password) {
    List<String> problems = new ArrayList<>();
    if (password == null || password.isEmpty()) {
      return List.of("is required");
    }
    int length = password.codePointCount(0, password.length());
    if (length < rules.minLength()) {
      problems.add("must have at least " + rules.minLength() + " characters");
    }
    if (length > rules.maxLength()) {
      problems.add("must have at most " + rules.maxLength() + " characters");
    }
    if (rules.requireUpper() && password.chars().noneMatch(Character::isUpperCase)) {
      problems.add("must contain an upper-case letter");
    }
    if (rules.requireLower() && password.chars().noneMatch(Character::isLowerCase)) {
      problems.add("must contain a lower-case letter");
    }
    if (rules.requireDigit() && password.chars().noneMatch(Character::isDigit)) {
      problems.add("must contain a digit");
    }
    if (rules.requireSpecial() && password.chars().allMatch(Character::isLetterOrDigit)) {
      problems.add("must contain a character that is neither a letter nor a digit");
    }
    if (rules.requireLetterAndDigit()
        && (password.chars().noneMatch(Character::isLetter) || password.chars().noneMatch(Character::isDigit))) {
      problems.add("must contain both letters and digits");
    }
    if (username != null && password.equalsIgnoreCase(username)) {
      problems.add("must not be the user name");
    }
    if (rules.blocklist() && blocked.contains(password.toLowerCase(Locale.ROOT))) {
      problems.add("is a common or breached password");
    }
    return problems;
  }
}
