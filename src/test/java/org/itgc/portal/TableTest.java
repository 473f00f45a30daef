package org.itgc.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableTest {

  private static Map<String, Object> row(String id, String title) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("item_id", id);
    row.put("audit_object_id", id);
    row.put("title", title);
    row.put("created_at", Timestamp.from(Instant.parse("2026-12-01T10:00:00Z")));
    row.put("reviewer", null);
    return row;
  }

  @Test
  void aPopulationsRowsKeepTheirColumnsLinkTheirChangesAndShowTimestampsAsInstants() {
    var table = Table.ofMaps("Population of CM-02", List.of(row("CHG-2026-000001", "a"), row("42", "b")), List.of());
    assertThat(table.columns()).containsExactly("item_id", "audit_object_id", "title", "created_at", "reviewer");
    assertThat(table.links()).containsExactly("/app/evidence/changes/CHG-2026-000001", "/app/evidence/records?id=42");
    var first = table.page(0, 10).rows().get(0);
    assertThat(first.instantAt(3)).isTrue();
    assertThat(first.instantAt(2)).isFalse();
    assertThat(first.cells().get(4)).isNull();
  }

  @Test
  void aRecordWithoutAnIdHasNoPageAndAnIdIsEncodedInItsLinksQuery() {
    assertThat(Table.linkOf(null)).isNull();
    assertThat(Table.linkOf(" ")).isNull();
    assertThat(Table.linkOf(42L)).isNull();
    assertThat(Table.linkOf("BENCH-1:SOD-01/x y")).isEqualTo("/app/evidence/records?id=BENCH-1%3ASOD-01%2Fx%20y");
  }

  @Test
  void revocationsCampaignsAndContinuityTestsLinkToTheirOwnPages() {
    assertThat(Table.linkOf("RV-2026-000007")).isEqualTo("/app/evidence/revocations/RV-2026-000007");
    assertThat(Table.linkOf("CERT-2026-00003")).isEqualTo("/app/evidence/campaigns/CERT-2026-00003");
    assertThat(Table.linkOf("DR-2026-00001")).isEqualTo("/app/evidence/continuity/DR-2026-00001");
    assertThat(Table.linkOf("RT-2026-00002")).isEqualTo("/app/evidence/continuity/RT-2026-00002");
    assertThat(Table.linkOf("AR-2026-000001")).isEqualTo("/app/evidence/records?id=AR-2026-000001");
    assertThat(Table.grantLink(42)).isEqualTo("/app/evidence/grants/42");
  }

  @Test
  void anEmptyPopulationHasTheColumnsItWouldHave() {
    assertThat(Table.ofMaps("x", List.of(), List.of("item_id")).columns()).containsExactly("item_id");
  }

  @Test
  void pagesAndFiltersKeepEachRowWithItsLink() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 1; i <= 120; i++) {
      rows.add(row(String.format("CHG-2026-%06d", i), i % 2 == 0 ? "even" : "odd"));
    }
    var table = Table.ofMaps("t", rows, List.of());
    var second = table.page(50, 50);
    assertThat(second.total()).isEqualTo(120);
    assertThat(second.first()).isEqualTo(51);
    assertThat(second.hasNext()).isTrue();
    assertThat(second.rows().get(0).link()).isEqualTo("/app/evidence/changes/CHG-2026-000051");
    var last = table.page(100, 50);
    assertThat(last.rows()).hasSize(20);
    assertThat(last.hasNext()).isFalse();
    assertThat(table.page(500, 50).rows()).isEmpty();

    var even = table.filtered("EVEN");
    assertThat(even.rows()).hasSize(60);
    assertThat(even.page(0, 1).rows().get(0).link()).isEqualTo("/app/evidence/changes/CHG-2026-000002");
    assertThat(table.filtered(" ")).isSameAs(table);
  }
}
