package org.itgc.access;

import java.time.Instant;
import java.util.Map;

/**
 * What an HR feed's update meant: a joiner, a mover (job or department changed), a leaver (terminated) or a rehire.
 * Published inside the transaction that stored it; revocation listens for movers and leavers.
 */
public record HrEvent(long id, String identityId, String kind, Instant effectiveAt, Map<String, Object> details,
    String receivedBy) {

  public static final String JOINER = "joiner";
  public static final String MOVER = "mover";
  public static final String LEAVER = "leaver";
  public static final String REHIRE = "rehire";
}
