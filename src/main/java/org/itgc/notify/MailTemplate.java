package org.itgc.notify;

import jakarta.validation.constraints.NotBlank;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.itgc.platform.config.ConfigFiles;

/**
 * A mail template of {@code config/mail/<id>.yaml}: subject and body with {@code ${variable}} placeholders. Every
 * placeholder must be listed in {@code variables}, and every listed variable must be given when the mail is sent.
 */
record MailTemplate(@NotBlank String subject, @NotBlank String body, List<String> variables)
    implements ConfigFiles.SelfValidating {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z][A-Za-z0-9_.]*)}");

  MailTemplate {
    variables = variables == null ? List.of() : List.copyOf(variables);
  }

  Set<String> placeholders() {
    Set<String> names = new LinkedHashSet<>();
    for (String text : new String[] {subject, body}) {
      if (text == null) {
        continue;
      }
      Matcher matcher = PLACEHOLDER.matcher(text);
      while (matcher.find()) {
        names.add(matcher.group(1));
      }
    }
    return names;
  }

  @Override
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    for (String name : placeholders()) {
      if (!variables.contains(name)) {
        problems.add("placeholder ${" + name + "} is not listed in variables");
      }
    }
    return problems;
  }

  String render(String text, Map<String, ?> values) {
    Matcher matcher = PLACEHOLDER.matcher(text);
    var out = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(out, Matcher.quoteReplacement(Notifier.summary(values.get(matcher.group(1)))));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
