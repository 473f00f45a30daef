package org.itgc.controls;

import jakarta.validation.constraints.NotEmpty;
import java.util.Map;
import org.itgc.platform.config.ConfigFiles;
import org.springframework.stereotype.Component;

/** Sample sizes by control frequency, from {@code config/sampling.yaml}. */
@Component
class SamplingPlan {

  static final String FILE = "sampling.yaml";

  record File(@NotEmpty Map<String, Integer> sampleSizes) {}

  private final Map<String, Integer> sizes;

  SamplingPlan(ConfigFiles configFiles) {
    File file = configFiles.read(FILE, File.class);
    for (Frequency frequency : Frequency.values()) {
      Integer size = file.sampleSizes().get(frequency.value());
      if (size == null || size < 1) {
        throw new org.itgc.platform.config.ConfigValidationException(configFiles.resolve(FILE),
            java.util.List.of("sampleSizes." + frequency.value() + ": a sample size of at least 1 is required"));
      }
    }
    this.sizes = Map.copyOf(file.sampleSizes());
  }

  int sizeFor(Frequency frequency) {
    return sizes.get(frequency.value());
  }
}
