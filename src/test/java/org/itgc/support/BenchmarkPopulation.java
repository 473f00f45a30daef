package org.itgc.support;

import java.io.StringReader;
import java.sql.Connection;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.sql.DataSource;
import org.itgc.access.AccessCatalogue;
import org.postgresql.PGConnection;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The benchmarks' population, loaded once per database by COPY: {@code people} identities ({@code BENCH-000000}...)
 * with {@code grants} random entitlements each from the catalogue, and one manager with a login for every 20 people.
 */
public final class BenchmarkPopulation {

  public static final int PEOPLE_PER_MANAGER = 20;

  private BenchmarkPopulation() {}

  /** Loads the population unless it is there; returns the seconds the load took (0 when it was there). */
  public static synchronized double ensure(JdbcTemplate jdbc, DataSource dataSource, DataSource ownerDataSource,
      AccessCatalogue catalogue, int people, int grants) throws Exception {
    Integer present = jdbc.queryForObject("select count(*) from access_identity where id like 'BENCH-%'", Integer.class);
    if (present != null && present > 0) {
      return 0;
    }
    List<AccessCatalogue.SystemEntitlement> entitlements = catalogue.entitlements();
    Random random = new Random(42);
    long start = System.nanoTime();
    StringBuilder identities = new StringBuilder();
    StringBuilder rows = new StringBuilder();
    int managers = (people + PEOPLE_PER_MANAGER - 1) / PEOPLE_PER_MANAGER;
    for (int m = 0; m < managers; m++) {
      identities.append(String.format("BENCH-MGR-%05d\tperson\tBench manager %d\t\\N\tactive\thr-csv\tbench-mgr-%05d", m, m, m))
          .append("\t2026-01-01 00:00:00+00\t2026-01-01 00:00:00+00\n");
    }
    for (int i = 0; i < people; i++) {
      String id = String.format("BENCH-%06d", i);
      identities.append(id).append("\tperson\tBench person ").append(i).append('\t')
          .append(String.format("BENCH-MGR-%05d", i / PEOPLE_PER_MANAGER))
          .append("\tactive\thr-csv\t\\N\t2026-01-01 00:00:00+00\t2026-01-01 00:00:00+00\n");
      Set<Integer> picked = new HashSet<>();
      while (picked.size() < Math.min(grants, entitlements.size())) {
        picked.add(random.nextInt(entitlements.size()));
      }
      for (int e : picked) {
        var entitlement = entitlements.get(e);
        rows.append(id).append('\t').append(entitlement.systemId()).append('\t').append(entitlement.entitlement().id())
            .append('\t').append(entitlement.entitlement().privileged())
            .append("\t2026-01-02 00:00:00+00\tbenchmark\timported\t{}\n");
      }
    }
    try (Connection connection = dataSource.getConnection()) {
      PGConnection pg = connection.unwrap(PGConnection.class);
      pg.getCopyAPI().copyIn("copy access_identity (id, kind, name, manager_id, status, source, user_name, created_at, "
          + "updated_at) from stdin", new StringReader(identities.toString()));
      pg.getCopyAPI().copyIn("copy access_grant (identity_id, system_id, entitlement_id, privileged, granted_at, granted_by, "
          + "source, provenance) from stdin", new StringReader(rows.toString()));
    }
    // statistics for the planner: the owner's right, not the application's
    new JdbcTemplate(ownerDataSource).execute("analyze access_identity");
    new JdbcTemplate(ownerDataSource).execute("analyze access_grant");
    return (System.nanoTime() - start) / 1e9;
  }
}
