package org.itgc.audit;

import org.springframework.context.ApplicationContext;

/** For tests of other packages: writes links lo..hi of the audit chain as an archive segment, as the monthly job does. */
public final class AuditArchiveForTests {

  private AuditArchiveForTests() {}

  public static void archive(ApplicationContext context, String label, long lo, long hi) throws java.io.IOException {
    context.getBean(AuditArchiveWriter.class).archive(label, lo, hi);
  }
}
