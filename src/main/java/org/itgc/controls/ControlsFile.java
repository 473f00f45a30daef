package org.itgc.controls;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.itgc.platform.config.ConfigFiles;
import org.itgc.platform.Role;

/** The shape of {@code config/controls.yaml}. */
record ControlsFile(@NotEmpty @Valid List<Control> controls) implements ConfigFiles.SelfValidating {

  @Override
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    var ids = new HashSet<String>();
    for (int i = 0; i < controls.size(); i++) {
      Control control = controls.get(i);
      String entry = "controls[" + i + "] (id=" + control.id() + ")";
      if (control.id() != null && !ids.add(control.id())) {
        problems.add(entry + ": id is used twice");
      }
      if (control.ownerRole() != null && Role.fromGroupId(control.ownerRole()).isEmpty()) {
        problems.add(entry + ": ownerRole '" + control.ownerRole() + "' is not a role; expected one of "
            + Role.allowedValues());
      }
      if (control.coso() != null && !control.coso().contains(11)) {
        problems.add(entry + ": coso must include principle 11 (general controls over technology)");
      }
    }
    return problems;
  }
}
