package org.itgc.systems;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.config.ConfigFiles;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The financially significant systems of {@code config/systems.yaml}. At start-up the file is validated whole and
 * written to table {@code itgc_system} in one transaction (systems that left the file are marked inactive, never
 * deleted), so that processes and reports can join on it.
 */
@Service
public class SystemsInventory {

  public static final String FILE = "systems.yaml";

  private final List<FinancialSystem> systems;
  private final Map<String, FinancialSystem> byId;
  private final JdbcTemplate jdbc;

  public SystemsInventory(ConfigFiles configFiles, JdbcTemplate jdbc, TransactionTemplate transactions,
      ObjectMapper json, AuditRecorder audit, Clock clock) {
    this.jdbc = jdbc;
    this.systems = List.copyOf(configFiles.read(FILE, SystemsFile.class).systems());
    this.byId = systems.stream().collect(Collectors.toUnmodifiableMap(FinancialSystem::id, Function.identity()));
    transactions.executeWithoutResult(status -> store(jdbc, json, audit, clock));
  }

  private void store(JdbcTemplate jdbc, ObjectMapper json, AuditRecorder audit, Clock clock) {
    var now = Timestamp.from(clock.instant());
    int changed = 0;
    for (FinancialSystem system : systems) {
      String definition = toJson(json, system);
      changed += jdbc.update("""
          insert into itgc_system (id, name, tier, business_owner_email, technical_owner_email, rto_seconds,
                                   rpo_seconds, mfa_enforced, active, definition, loaded_at)
          values (?, ?, ?, ?, ?, ?, ?, ?, true, cast(? as jsonb), ?)
          on conflict (id) do update set name = excluded.name, tier = excluded.tier,
              business_owner_email = excluded.business_owner_email,
              technical_owner_email = excluded.technical_owner_email, rto_seconds = excluded.rto_seconds,
              rpo_seconds = excluded.rpo_seconds, mfa_enforced = excluded.mfa_enforced, active = true,
              definition = excluded.definition, loaded_at = excluded.loaded_at
          where itgc_system.definition is distinct from excluded.definition or not itgc_system.active
          """, system.id(), system.name(), system.tier().value(), system.businessOwner().email(),
          system.technicalOwner().email(), system.rto().toSeconds(), system.rpo().toSeconds(), system.mfaEnforced(),
          definition, now);
    }
    List<String> ids = systems.stream().map(FinancialSystem::id).toList();
    int retired = jdbc.update("update itgc_system set active = false, loaded_at = ? where active and not (id = any (?))",
        ps -> {
          ps.setTimestamp(1, now);
          ps.setArray(2, ps.getConnection().createArrayOf("varchar", ids.toArray()));
        });
    if (changed > 0 || retired > 0) {
      audit.record(AuditEvent.system("config.load", "config-file", FILE)
          .detail("systemsChanged", changed).detail("systemsRetired", retired).build());
    }
  }

  private static String toJson(ObjectMapper json, FinancialSystem system) {
    try {
      return json.writeValueAsString(system);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise system " + system.id(), e);
    }
  }

  public List<FinancialSystem> all() {
    return systems;
  }

  public Optional<FinancialSystem> find(String id) {
    return id == null ? Optional.empty() : Optional.ofNullable(byId.get(id));
  }

  /**
   * The ids of the systems registered (in {@code itgc_system}, also those since retired) with one of these tiers, for
   * other capabilities that select by tier (issue #21: they do not read {@code itgc_system}).
   */
  public List<String> registeredIdsOfTiers(java.util.Collection<FinancialSystem.Tier> tiers) {
    String[] values = tiers.stream().map(FinancialSystem.Tier::value).toArray(String[]::new);
    return jdbc.query(con -> {
      var ps = con.prepareStatement("select id from itgc_system where tier = any(?) order by id");
      ps.setArray(1, con.createArrayOf("varchar", values));
      return ps;
    }, (rs, i) -> rs.getString(1));
  }

  /** The system a source repository (owner/name) deploys to, if it is mapped to one. */
  public Optional<FinancialSystem> forRepository(String repository) {
    return systems.stream().filter(s -> s.repositories().contains(repository)).findFirst();
  }
}
