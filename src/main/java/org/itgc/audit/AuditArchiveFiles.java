package org.itgc.audit;

import java.nio.file.Path;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Where the archive tier's files are (itgc.audit.archive-folder, resolved once for the writer, the reader and the
 * restore test) and how a segment's files are named: {@code audit-LABEL.jsonl.gz}, {@code audit-LABEL.manifest.json},
 * {@code audit-LABEL.manifest.sig} (docs/audit-format.md).
 */
@Component
class AuditArchiveFiles {

  private final Path folder;

  AuditArchiveFiles(@Value("${itgc.audit.archive-folder:data/audit/archive}") Path folder) {
    this.folder = folder;
  }

  Path folder() {
    return folder;
  }

  /** The segment file's name, as its manifest names it. */
  static String segmentName(String label) {
    return "audit-" + label + ".jsonl.gz";
  }

  Path segment(String label) {
    return folder.resolve(segmentName(label));
  }

  Path manifest(String label) {
    return folder.resolve("audit-" + label + ".manifest.json");
  }

  Path signature(String label) {
    return folder.resolve("audit-" + label + ".manifest.sig");
  }

  /** A file of the folder by the name a manifest gives. */
  Path named(String file) {
    return folder.resolve(file);
  }

  /** The three files of a segment. */
  List<Path> all(String label) {
    return List.of(segment(label), manifest(label), signature(label));
  }
}
