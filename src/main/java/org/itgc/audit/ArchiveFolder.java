package org.itgc.audit;

import java.nio.file.Path;
import java.util.List;

/**
 * A folder of archive segments and how a segment's three files are named: {@code PREFIX-LABEL.jsonl.gz} (the
 * content), {@code PREFIX-LABEL.manifest.json} (what it holds and the file's SHA-256) and
 * {@code PREFIX-LABEL.manifest.sig} (the manifest's signature with the audit key). The audit trail's archive
 * ({@code audit-}) and the logs' archive ({@code logs-}) follow it.
 */
public class ArchiveFolder {

  private final Path folder;
  private final String prefix;

  public ArchiveFolder(Path folder, String prefix) {
    this.folder = folder;
    this.prefix = prefix;
  }

  public Path folder() {
    return folder;
  }

  /** The segment file's name, as its manifest names it. */
  public String segmentName(String label) {
    return prefix + "-" + label + ".jsonl.gz";
  }

  public Path segment(String label) {
    return folder.resolve(segmentName(label));
  }

  public Path manifest(String label) {
    return folder.resolve(prefix + "-" + label + ".manifest.json");
  }

  public Path signature(String label) {
    return folder.resolve(prefix + "-" + label + ".manifest.sig");
  }

  /** A file of the folder by the name a manifest gives. */
  public Path named(String file) {
    return folder.resolve(file);
  }

  /** Each line of a gzip-compressed JSON-lines file, streaming, in file order, unchecked (blank lines skipped). */
  public static void readJsonLines(com.fasterxml.jackson.databind.ObjectMapper json, Path file,
      java.util.function.Consumer<com.fasterxml.jackson.databind.JsonNode> each) throws java.io.IOException {
    try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(new java.util.zip.GZIPInputStream(
        java.nio.file.Files.newInputStream(file), 1 << 16), java.nio.charset.StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.isBlank()) {
          each.accept(json.readTree(line));
        }
      }
    }
  }

  /** The three files of a segment. */
  public List<Path> all(String label) {
    return List.of(segment(label), manifest(label), signature(label));
  }
}
