package org.itgc.controls;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.itgc.platform.web.BadRequestException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Evidence packs: an auditor (or governance lead) creates one for a control and a period, lists and downloads them. */
@RestController
class EvidencePackController {

  static final String READERS = "hasAnyAuthority('auditor', 'governance-lead')";

  private final EvidencePacks packs;
  private final org.itgc.platform.calendar.BusinessCalendar calendar;

  EvidencePackController(EvidencePacks packs, org.itgc.platform.calendar.BusinessCalendar calendar) {
    this.packs = packs;
    this.calendar = calendar;
  }

  /** {@code seed}: the auditor's own sampling seed (optional; the engine draws one otherwise); recorded in the pack. */
  record PackRequest(String controlId, String from, String to, Long seed) {}

  @PostMapping("/api/evidence-packs")
  @PreAuthorize(READERS)
  ResponseEntity<EvidencePacks.Pack> create(@RequestBody PackRequest request, Authentication authentication)
      throws IOException {
    if (request == null) {
      throw new BadRequestException("body", "is required: {controlId, from, to}");
    }
    var pack = packs.create(request.controlId(), instant("from", request.from()), instant("to", request.to()),
        request.seed(), authentication.getName());
    return ResponseEntity.status(HttpStatus.CREATED).header(HttpHeaders.LOCATION, "/api/evidence-packs/" + pack.id())
        .body(pack);
  }

  @GetMapping("/api/evidence-packs")
  @PreAuthorize(READERS)
  List<EvidencePacks.Pack> list() {
    return packs.list();
  }

  @GetMapping("/api/evidence-packs/{id}")
  @PreAuthorize(READERS)
  ResponseEntity<byte[]> download(@PathVariable String id, Authentication authentication) {
    byte[] zip = packs.download(id, authentication.getName());
    return ResponseEntity.ok().header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + id + ".zip\"")
        .contentType(MediaType.parseMediaType("application/zip")).body(zip);
  }

  /** Read as every date of the engine is: a plain date is the start of that day in the business calendar's zone. */
  private Instant instant(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new BadRequestException(field, "is required (a date such as 2026-10-01 or an ISO-8601 instant)");
    }
    try {
      return calendar.parseInstant(value.trim());
    } catch (java.time.format.DateTimeParseException e) {
      throw new BadRequestException(field, "'" + value + "' is not a date such as 2026-10-01 or an ISO-8601 instant");
    }
  }

}
