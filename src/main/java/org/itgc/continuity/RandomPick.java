package org.itgc.continuity;

import java.util.SplittableRandom;

/**
 * The reproducible random choice of a backup: the same seed and the same number of candidates (ordered by time taken,
 * then id) give the same index, so an auditor can re-perform the pick from the stored seed and candidate list.
 */
public final class RandomPick {

  private RandomPick() {}

  public static int index(long seed, int candidates) {
    if (candidates <= 0) {
      throw new IllegalArgumentException("there is nothing to pick from");
    }
    return new SplittableRandom(seed).nextInt(candidates);
  }
}
