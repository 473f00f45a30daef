package org.itgc.notify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A subject every mail server takes, whatever a title or a list of commits put in it. */
class NotifierSubjectTest {

  @Test
  void aSubjectIsOneLineWithoutControlCharactersAndAtMostTwoHundredCharacters() {
    assertThat(Notifier.subjectLine("Control exception CM-05: a plain summary")).isEqualTo(
        "Control exception CM-05: a plain summary");
    String long1 = "Control exception CM-05: commits " + "0123456789abcdef0123456789abcdef01234567, ".repeat(30);
    String shortened = Notifier.subjectLine(long1);
    assertThat(shortened).hasSize(Notifier.SUBJECT_LIMIT).endsWith("\u2026").startsWith("Control exception CM-05: commits");
    assertThat(Notifier.subjectLine("title\r\nBcc: someone@evil.example\u0000\u0007 end"))
        .isEqualTo("title Bcc: someone@evil.example end").doesNotContain("\n");
  }

  @Test
  void aLongListOrTextInAMailIsSummarisedNotCopied() {
    var commits = java.util.Collections.nCopies(20_000, "c0ffee0000000000000000000000000000000000");
    String summary = Notifier.summary(commits);
    assertThat(summary).startsWith("[c0ffee0000000000000000000000000000000000, ")
        .endsWith(", ... and 19,990 more]").hasSizeLessThan(600);
    assertThat(Notifier.summary(java.util.List.of("a", "b"))).isEqualTo("[a, b]");
    assertThat(Notifier.summary("x".repeat(1_000_000))).hasSize(Notifier.VALUE_LIMIT + " ... (998,000 characters more)".length() - 1)
        .endsWith("(998,000 characters more)");
    assertThat(Notifier.summary(null)).isEqualTo("null");
    // a template renders through the same rule
    var template = new MailTemplate("Commits", "Unapproved: ${commits}", java.util.List.of("commits"));
    assertThat(template.render(template.body(), java.util.Map.of("commits", commits))).hasSizeLessThan(600)
        .contains("19,990 more");
  }
}
