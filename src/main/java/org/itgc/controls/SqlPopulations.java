package org.itgc.controls;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A {@link PopulationSource} written as data: per control, the population's query (two parameters: from, to), its
 * reconciliation with the trail and the query of the ids the capability's table holds (one parameter: an array of
 * ids). A capability's bean extends it with its own tables' SQL and overrides only what is particular to it.
 */
public abstract class SqlPopulations implements PopulationSource {

  protected final JdbcTemplate jdbc;
  private final Map<String, String> populations;
  private final Map<String, Reconciliation> reconciliations;
  private final Map<String, String> presentIds;

  protected SqlPopulations(JdbcTemplate jdbc, Map<String, String> populations,
      Map<String, Reconciliation> reconciliations, Map<String, String> presentIds) {
    this.jdbc = jdbc;
    this.populations = Map.copyOf(populations);
    this.reconciliations = Map.copyOf(reconciliations);
    this.presentIds = Map.copyOf(presentIds);
  }

  @Override
  public Set<String> controls() {
    return populations.keySet();
  }

  @Override
  public List<Map<String, Object>> population(String controlId, Instant from, Instant to) {
    return jdbc.queryForList(populations.get(controlId), Timestamp.from(from), Timestamp.from(to));
  }

  @Override
  public Reconciliation reconciliation(String controlId) {
    return reconciliations.get(controlId);
  }

  @Override
  public Set<String> present(String controlId, Collection<String> ids) {
    String query = presentIds.get(controlId);
    return query == null ? Set.of() : ids(query, ids);
  }

  /** The ids a query over an array of ids answers (its one parameter). */
  protected Set<String> ids(String query, Collection<String> ids) {
    return new HashSet<>(jdbc.query(con -> {
      var ps = con.prepareStatement(query);
      ps.setArray(1, con.createArrayOf("varchar", ids.toArray()));
      return ps;
    }, (rs, i) -> rs.getString(1)));
  }
}
