package org.itgc.access;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * What a person did on the financial systems in a period, from their collected logs: the evidence a break-glass review
 * reads beside the engine's own trail. The logs capability implements it (it depends on access, not the other way
 * round); where no implementation is present, or the logs hold nothing of the person, the review says so.
 */
public interface PersonActivity {

  /** One logged action, and whether its inclusion proof verified against the sealed batch's root. */
  record Action(Instant at, String systemId, String actor, String action, String objectType, String objectId,
      boolean verified) {}

  /** What was found: at most {@code max} actions, oldest first, and whether there were more. */
  record Found(List<Action> actions, boolean more) {}

  /** The actions logged under any of the person's names (login, e-mail, employee id) in [from, to). */
  Found of(Collection<String> names, Instant from, Instant to, int max);
}
