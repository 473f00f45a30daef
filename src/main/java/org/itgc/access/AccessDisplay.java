package org.itgc.access;

import java.time.Instant;
import java.util.stream.Collectors;
import org.itgc.platform.web.Dates;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.springframework.stereotype.Component;

/**
 * What the access request's and the revocation's task forms show and nobody decides on: texts the server writes from
 * its own records (the request's items, the revocation item, the inventory, the catalogue), with dates in the business
 * calendar's time zone. Display only: no gateway, listener or service reads them back
 * ({@link AccessRequestProcess.Display}, {@link AccessRevocationProcess.Display}).
 */
@Component
class AccessDisplay {

  private final AccessRequestStore store;
  private final SystemsInventory systems;
  private final AccessCatalogue catalogue;
  private final Dates dates;

  AccessDisplay(AccessRequestStore store, SystemsInventory systems, AccessCatalogue catalogue, Dates dates) {
    this.store = store;
    this.systems = systems;
    this.catalogue = catalogue;
    this.dates = dates;
  }

  /** The access a registered request asks for, one line per entitlement, as a Markdown list. */
  String requestedAccess(String processInstanceId) {
    return "\n\n" + store.items(store.requestOfInstance(processInstanceId)).stream()
        .map(i -> "- " + entitlement(i.systemId(), i.entitlementId(), i.privileged()))
        .collect(Collectors.joining("\n")) + "\n";
  }

  /** An entitlement by name with its system by name and tier: "Report viewer (BI_VIEWER) on BI Reporting (...), tier 3". */
  String entitlement(String systemId, String entitlementId, boolean privileged) {
    String name = catalogue.entitlement(systemId, entitlementId).map(AccessCatalogue.Entitlement::name).orElse(null);
    return (name == null ? entitlementId : name + " (" + entitlementId + ")") + (privileged ? ", privileged," : "")
        + " on " + system(systemId);
  }

  /** A system by name, id and tier from the inventory; its id alone when the inventory no longer has it. */
  String system(String systemId) {
    if (systemId == null) {
      return "";
    }
    return systems.find(systemId).map(s -> s.name() + " (" + s.id() + "), " + tier(s.tier())).orElse(systemId);
  }

  /** A moment as readable text in the business calendar's zone. */
  String time(Instant instant) {
    return dates.time(instant);
  }

  private static String tier(FinancialSystem.Tier tier) {
    return "tier " + tier.value().substring("tier".length());
  }
}
