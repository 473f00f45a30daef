package org.itgc.support;

/**
 * {@code GET /api/audit/verify} until it is ok, for at most 30 s: right after a fault, an event whose transaction
 * committed after later events were sealed (a late commit) is reported until the sealer's next sweep chains it, and
 * the sealer itself may still be reconnecting. A chain that stays broken fails with the verifier's answer.
 */
public final class ChainCheck {

  private ChainCheck() {}

  public static Http.Response awaitVerified(Http auditor) throws InterruptedException {
    long start = System.nanoTime();
    long end = start + 30_000_000_000L;
    String first = null;
    while (true) {
      var verified = auditor.get("/api/audit/verify");
      if (verified.status() == 200 && verified.json().get("ok").asBoolean()) {
        if (first != null) {
          System.out.printf("CHAIN verified %d ms after a first answer of %s%n", (System.nanoTime() - start) / 1_000_000,
              first);
        }
        return verified;
      }
      first = first == null ? verified.toString() : first;
      if (System.nanoTime() > end) {
        throw new AssertionError("the audit chain does not verify: " + verified);
      }
      Thread.sleep(500);
    }
  }
}
