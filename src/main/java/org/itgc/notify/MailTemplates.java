package org.itgc.notify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.itgc.platform.config.ConfigFiles;
import org.itgc.platform.config.ConfigValidationException;
import org.springframework.stereotype.Component;

/** All mail templates of {@code config/mail/}, read and validated at start-up; the file name is the template id. */
@Component
class MailTemplates {

  static final String FOLDER = "mail";

  private final Map<String, MailTemplate> templates = new TreeMap<>();

  MailTemplates(ConfigFiles configFiles) {
    Path folder = configFiles.resolve(FOLDER);
    if (!Files.isDirectory(folder)) {
      throw new ConfigValidationException(folder, List.of("the mail template folder does not exist"));
    }
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList()) {
        String id = file.getFileName().toString().replaceFirst("\\.yaml$", "");
        templates.put(id, configFiles.read(file, MailTemplate.class));
      }
    } catch (IOException e) {
      throw new ConfigValidationException(folder, List.of("cannot be listed: " + e.getMessage()));
    }
  }

  MailTemplate get(String id) {
    MailTemplate template = templates.get(id);
    if (template == null) {
      throw new IllegalArgumentException("no mail template '" + id + "' in config/" + FOLDER + "/; there are "
          + templates.keySet());
    }
    return template;
  }

  java.util.Set<String> ids() {
    return templates.keySet();
  }
}
