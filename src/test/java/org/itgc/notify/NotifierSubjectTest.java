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
}
