package org.itgc.platform;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A JVM that waits for a start signal (a file appearing), then creates a key file if absent and prints the key it
 * reads: several of them at once stand for nodes starting together on one shared folder (used by {@link KeyFilesTest}).
 */
public final class KeyFileRacer {

  private KeyFileRacer() {}

  public static void main(String[] args) throws Exception {
    Path key = Path.of(args[0]);
    Path go = Path.of(args[1]);
    System.out.println("READY");
    System.out.flush();
    while (!Files.exists(go)) {
      Thread.onSpinWait();
    }
    String mine = "key-of-" + ProcessHandle.current().pid();
    boolean created = KeyFiles.createIfAbsent(key, into -> Files.writeString(into.apply(key), mine));
    System.out.println((created ? "CREATED " : "FOUND ") + Files.readString(key));
  }
}
