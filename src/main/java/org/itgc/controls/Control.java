package org.itgc.controls;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;

/**
 * One IT general control of the catalogue in {@code config/controls.yaml}.
 *
 * @param processKeys the processes that operate the control (may name processes not deployed yet)
 */
public record Control(
    @NotBlank @Pattern(regexp = "[A-Z]{2}-\\d{2}", message = "must look like AC-01") String id,
    @NotBlank String title,
    @NotBlank String objective,
    @NotBlank String ownerRole,
    @NotNull Frequency frequency,
    @NotEmpty List<@NotNull @Min(1) @Max(17) Integer> coso,
    @NotEmpty List<@NotBlank String> nist,
    List<@Pattern(regexp = "[a-z][a-z0-9-]*", message = "must be a process key such as change-request") String>
        processKeys,
    boolean automated) {

  public Control {
    processKeys = processKeys == null ? List.of() : List.copyOf(processKeys);
  }
}
