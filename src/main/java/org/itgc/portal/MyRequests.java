package org.itgc.portal;

import org.itgc.access.AccessRequests;
import org.itgc.change.ChangeService;
import org.itgc.platform.web.Slice;
import org.springframework.stereotype.Service;

/** A requester's own changes and access requests, a page of each, newest first. */
@Service
class MyRequests {

  private final ChangeService changes;
  private final AccessRequests access;

  MyRequests(ChangeService changes, AccessRequests access) {
    this.changes = changes;
    this.access = access;
  }

  /** A page of each list. */
  record Pages(Slice<ChangeService.ChangeSummary> changes, Slice<AccessRequests.StoredRequest> access) {}

  Pages of(String requester, int offset, int limit) {
    return new Pages(changes(requester, offset, limit), access(requester, offset, limit));
  }

  Slice<ChangeService.ChangeSummary> changes(String requester, int offset, int limit) {
    return changes.requestedBy(requester, Math.max(0, offset), limit);
  }

  Slice<AccessRequests.StoredRequest> access(String requester, int offset, int limit) {
    return access.requestedBy(requester, Math.max(0, offset), limit);
  }
}
