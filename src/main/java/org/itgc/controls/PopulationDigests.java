package org.itgc.controls;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.TreeSet;
import org.itgc.platform.Hashes;

/**
 * The digest that a run recording a population (for example a detective scan's new findings) writes into its audit
 * event, and that an evidence pack recomputes from the table to show that no row was added or removed since: SHA-256
 * (hex) of the distinct keys, sorted, joined by line feeds.
 */
public final class PopulationDigests {

  private PopulationDigests() {}

  public static String ofKeys(Collection<String> keys) {
    return Hashes.sha256(String.join("\n", new TreeSet<>(keys)).getBytes(StandardCharsets.UTF_8));
  }
}
