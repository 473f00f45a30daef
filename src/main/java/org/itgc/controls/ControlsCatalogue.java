package org.itgc.controls;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.itgc.platform.config.ConfigFiles;
import org.springframework.stereotype.Service;

/** The controls catalogue of {@code config/controls.yaml}, read and validated at start-up. */
@Service
public class ControlsCatalogue {

  public static final String FILE = "controls.yaml";

  private final List<Control> controls;
  private final Map<String, Control> byId;

  public ControlsCatalogue(ConfigFiles configFiles) {
    this.controls = List.copyOf(configFiles.read(FILE, ControlsFile.class).controls());
    this.byId = controls.stream().collect(Collectors.toUnmodifiableMap(Control::id, Function.identity()));
  }

  public List<Control> all() {
    return controls;
  }

  public Optional<Control> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }
}
