package org.itgc.platform;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Key files that the first start creates (the MFA key, the audit signing key): several nodes starting at once on one
 * shared folder must end up with one key, not each its own. Creation takes an exclusive lock on a lock file beside
 * the key (held across processes; a shared folder on NFS needs its lock service), looks again, writes each file whole
 * and synced to a temporary file, and publishes the main file with a hard link, which fails rather than replace a key
 * another node published meanwhile; so a node never reads half a key or overwrites another node's. Within one JVM the method is synchronized (a file lock is
 * held per JVM, not per thread).
 */
public final class KeyFiles {

  /** Writes the files of a new key into the paths it is given (temporary files of the real ones). */
  @FunctionalInterface
  public interface Writer {
    void write(java.util.function.UnaryOperator<Path> temporary) throws IOException;
  }

  private KeyFiles() {}

  /** Creates the key whose main file is {@code file} unless it exists; returns whether this call created it. */
  public static synchronized boolean createIfAbsent(Path file, Writer writer) throws IOException {
    if (Files.exists(file)) {
      return false;
    }
    Path folder = file.toAbsolutePath().getParent();
    Files.createDirectories(folder);
    Path lock = folder.resolve(file.getFileName() + ".lock");
    try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        var held = channel.lock()) {
      if (Files.exists(file)) {
        return false; // another node created it while this one waited
      }
      java.util.Map<Path, Path> written = new java.util.LinkedHashMap<>();
      try {
        writer.write(target -> written.computeIfAbsent(target.toAbsolutePath(), t -> {
          try {
            Path temporary = Files.createTempFile(folder, "." + t.getFileName(), ".tmp");
            ownerOnly(temporary);
            return temporary;
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }));
        for (Path temporary : written.values()) {
          try (FileChannel data = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            data.force(true); // on disk before it is published: a power cut leaves no empty key
          }
        }
        // the other files first, then the main one, which is published with link(2): it fails if the name exists
        // (another node's key, even one this node's cached view of the folder has not seen), never replacing it
        Path main = file.toAbsolutePath();
        for (var entry : written.entrySet()) {
          if (!entry.getKey().equals(main)) {
            Files.move(entry.getValue(), entry.getKey(), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
          }
        }
        try {
          Files.createLink(main, written.get(main));
        } catch (java.nio.file.FileAlreadyExistsException another) {
          return false;
        }
        syncFolder(folder);
        return true;
      } finally {
        for (Path temporary : written.values()) {
          Files.deleteIfExists(temporary);
        }
      }
    }
  }

  /** Makes the folder's entries durable (a no-op where the platform cannot open a folder). */
  private static void syncFolder(Path folder) {
    try (FileChannel directory = FileChannel.open(folder, StandardOpenOption.READ)) {
      directory.force(true);
    } catch (IOException | UnsupportedOperationException notSupported) {
      // some platforms cannot sync a folder; the files themselves are on disk
    }
  }

  private static void ownerOnly(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // not a POSIX file system
    }
  }
}
