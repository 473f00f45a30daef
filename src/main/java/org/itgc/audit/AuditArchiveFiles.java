package org.itgc.audit;

import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Where the archive tier's files are (itgc.audit.archive-folder, resolved once for the writer, the reader and the
 * restore test) and how a segment's files are named: {@code audit-LABEL.jsonl.gz}, {@code audit-LABEL.manifest.json},
 * {@code audit-LABEL.manifest.sig} (docs/audit-format.md).
 */
@Component
class AuditArchiveFiles extends ArchiveFolder {

  AuditArchiveFiles(@Value("${itgc.audit.archive-folder:data/audit/archive}") Path folder) {
    super(folder, "audit");
  }
}
