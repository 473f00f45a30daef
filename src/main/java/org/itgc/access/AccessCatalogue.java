package org.itgc.access;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.itgc.platform.config.ConfigFiles;
import org.itgc.platform.config.ConfigValidationException;
import org.itgc.systems.SystemsInventory;
import org.springframework.stereotype.Component;

/**
 * The entitlement and function catalogue of {@code config/access.yaml}: SoD function codes, each system's
 * entitlements with the functions they carry, service accounts, the entitlements each job justifies, and the access
 * settings. Validated whole at start-up against {@code systems.yaml}.
 */
@Component("accessCatalogue")
public class AccessCatalogue {

  public static final String FILE = "access.yaml";

  /** An SoD function code. */
  public record Function(@NotBlank @Pattern(regexp = "[A-Z][A-Z0-9_]*") String code, @NotBlank String name,
      boolean financialTransaction) {}

  /**
   * An entitlement of a system: a role, group or account; or an eligibility (registry only, never on the target) for
   * the just-in-time entitlement it names in {@code eligibleFor}. A {@code jit} entitlement is privileged and held only
   * for the bounded time of an elevation: it is never requested through an access request.
   */
  public record Entitlement(@NotBlank String id, @NotBlank String name,
      @NotBlank @Pattern(regexp = "role|group|account|eligibility",
          message = "must be role, group, account or eligibility") String kind,
      boolean privileged, List<@NotBlank String> functions, Boolean requestable, Boolean jit, String eligibleFor) {
    public static final String ELIGIBILITY = "eligibility";

    public Entitlement {
      functions = functions == null ? List.of() : List.copyOf(functions);
      jit = jit != null && jit;
      requestable = requestable == null ? !jit : requestable;
    }

    public Entitlement(String id, String name, String kind, boolean privileged, List<String> functions,
        Boolean requestable) {
      this(id, name, kind, privileged, functions, requestable, null, null);
    }

    /** False for what is not asked for by an access request (API credentials, just-in-time entitlements). */
    public boolean isRequestable() {
      return requestable;
    }

    /** Held only for the bounded time of an elevation. */
    public boolean isJit() {
      return jit;
    }

    /** Registry only: the right to ask for elevations to {@link #eligibleFor()}, never provisioned on the target. */
    public boolean isEligibility() {
      return ELIGIBILITY.equals(kind);
    }
  }

  record SystemEntitlements(String provisioning, @NotNull List<@Valid Entitlement> entitlements) {}

  /**
   * A non-human identity with the employee who answers for it, what it is for, the batch jobs that use it (each with
   * the name it identifies itself by on the target: PostgreSQL's {@code application_name}), and how many days its
   * credential may go without a rotation ({@code settings.serviceAccountRotationDays} when not given).
   */
  public record ServiceAccount(@NotBlank @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]*") String id,
      @NotBlank String name, @NotBlank String owner, String email, @NotBlank String purpose,
      @NotEmpty(message = "must name at least one batch job that uses the account") List<@NotNull @Valid Job> jobs,
      @Min(1) Integer rotationDays) {
    public ServiceAccount {
      jobs = jobs == null ? null : List.copyOf(jobs);
    }

    /** The application names its declared jobs connect with. */
    public Set<String> applicationNames() {
      Set<String> names = new TreeSet<>();
      jobs.forEach(j -> names.add(j.applicationName()));
      return names;
    }
  }

  /** A batch job that uses a service account, and the application name it connects to the target with. */
  public record Job(@NotBlank String name,
      @NotBlank @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9 ._:/-]{0,62}",
          message = "must be an application name of at most 63 letters, digits, spaces or ._:/-") String applicationName) {}

  record Settings(@Min(1) int exceptionMaxDays, @NotNull Duration revocationReminderBefore,
      @NotBlank String sodScanSchedule, @Min(1) int serviceAccountRotationDays,
      @NotBlank String serviceAccountRotationSchedule, @Min(1) Integer serviceAccountRotationAttempts,
      @Min(1) Integer serviceAccountRotationTaskBusinessDays) {}

  record File(@NotNull List<@Valid Function> functions, @NotNull Map<String, @Valid SystemEntitlements> systems,
      List<@Valid ServiceAccount> serviceAccounts, Map<String, List<String>> jobs, @NotNull @Valid Settings settings) {}

  /** An entitlement with the system it belongs to. */
  public record SystemEntitlement(String systemId, Entitlement entitlement) {
    public String key() {
      return systemId + "/" + entitlement.id();
    }
  }

  private final Map<String, Function> functions = new LinkedHashMap<>();
  private final Map<String, Map<String, Entitlement>> entitlements = new LinkedHashMap<>();
  private final Map<String, String> provisioning = new LinkedHashMap<>();
  private final List<ServiceAccount> serviceAccounts;
  private final Map<String, List<String>> jobs;
  private final Settings settings;

  public AccessCatalogue(ConfigFiles configFiles, SystemsInventory systems) {
    File file = configFiles.read(FILE, File.class);
    List<String> problems = new ArrayList<>();
    for (Function function : file.functions()) {
      if (functions.put(function.code(), function) != null) {
        problems.add("functions: " + function.code() + " is listed twice");
      }
    }
    file.systems().forEach((systemId, system) -> {
      if (systems.find(systemId).isEmpty()) {
        problems.add("systems." + systemId + ": not a system of " + SystemsInventory.FILE);
      }
      Map<String, Entitlement> byId = new LinkedHashMap<>();
      for (Entitlement entitlement : system.entitlements()) {
        if (byId.put(entitlement.id(), entitlement) != null) {
          problems.add("systems." + systemId + ": entitlement " + entitlement.id() + " is listed twice");
        }
        for (String code : entitlement.functions()) {
          if (!functions.containsKey(code)) {
            problems.add("systems." + systemId + "." + entitlement.id() + ": function " + code + " is not in functions");
          }
        }
      }
      for (Entitlement entitlement : system.entitlements()) {
        String at = "systems." + systemId + "." + entitlement.id();
        if (entitlement.isJit() && !entitlement.privileged()) {
          problems.add(at + ": a jit entitlement is privileged");
        }
        if (entitlement.isJit() && system.provisioning() == null) {
          problems.add(at + ": a jit entitlement is on a system provisioned by a connector (provisioning), which "
              + "grants and removes it at the elevation's start and expiry");
        }
        if (entitlement.isJit() && entitlement.isRequestable()) {
          problems.add(at + ": a jit entitlement is not requestable (it is held through elevations only)");
        }
        if (entitlement.isEligibility()) {
          Entitlement target = entitlement.eligibleFor() == null ? null : byId.get(entitlement.eligibleFor());
          if (target == null || !target.isJit()) {
            problems.add(at + ": eligibleFor must name a jit entitlement of " + systemId);
          }
        } else if (entitlement.eligibleFor() != null) {
          problems.add(at + ": only an entitlement of kind eligibility names eligibleFor");
        }
      }
      entitlements.put(systemId, byId);
      if (system.provisioning() != null) {
        provisioning.put(systemId, system.provisioning());
      }
    });
    this.serviceAccounts = file.serviceAccounts() == null ? List.of() : List.copyOf(file.serviceAccounts());
    Set<String> accountIds = new HashSet<>();
    for (int i = 0; i < serviceAccounts.size(); i++) {
      ServiceAccount account = serviceAccounts.get(i);
      if (!accountIds.add(account.id())) {
        problems.add("serviceAccounts: " + account.id() + " is listed twice");
      }
      Set<String> jobNames = new HashSet<>();
      Set<String> applicationNames = new HashSet<>();
      for (int j = 0; account.jobs() != null && j < account.jobs().size(); j++) {
        Job job = account.jobs().get(j);
        String at = "serviceAccounts[" + i + "] (" + account.id() + ").jobs[" + j + "]";
        if (job == null) {
          continue;
        }
        if (job.name() != null && !jobNames.add(job.name())) {
          problems.add(at + ".name: " + job.name() + " is listed twice");
        }
        if (job.applicationName() != null && !applicationNames.add(job.applicationName())) {
          problems.add(at + ".applicationName: " + job.applicationName() + " is declared by another job of the "
              + "account; each job connects with its own");
        }
      }
    }
    this.jobs = file.jobs() == null ? Map.of() : Map.copyOf(file.jobs());
    jobs.forEach((job, patterns) -> {
      for (String pattern : patterns) {
        String[] parts = pattern.split("/", 2);
        if (parts.length != 2 || !entitlements.containsKey(parts[0])
            || !(parts[1].equals("*") || entitlements.get(parts[0]).containsKey(parts[1]))) {
          problems.add("jobs." + job + ": " + pattern + " is not SYSTEM/ENTITLEMENT or SYSTEM/* of this catalogue");
        }
      }
    });
    this.settings = file.settings();
    if (!org.springframework.scheduling.support.CronExpression.isValidExpression(settings.sodScanSchedule())) {
      problems.add("settings.sodScanSchedule: '" + settings.sodScanSchedule()
          + "' is not a cron expression (seconds minutes hours day-of-month month day-of-week)");
    }
    if (!org.springframework.scheduling.support.CronExpression.isValidExpression(
        settings.serviceAccountRotationSchedule())) {
      problems.add("settings.serviceAccountRotationSchedule: '" + settings.serviceAccountRotationSchedule()
          + "' is not a cron expression (seconds minutes hours day-of-month month day-of-week)");
    }
    if (!problems.isEmpty()) {
      throw new ConfigValidationException(configFiles.resolve(FILE), problems);
    }
  }

  public Collection<Function> functions() {
    return functions.values();
  }

  /** The functions that conflict with SECURITY_ADMIN (rule SOD-13). */
  public Set<String> financialTransactionFunctions() {
    Set<String> codes = new TreeSet<>();
    functions.values().stream().filter(Function::financialTransaction).forEach(f -> codes.add(f.code()));
    return codes;
  }

  public Set<String> systemIds() {
    return entitlements.keySet();
  }

  public List<SystemEntitlement> entitlements() {
    List<SystemEntitlement> all = new ArrayList<>();
    entitlements.forEach((system, byId) -> byId.values().forEach(e -> all.add(new SystemEntitlement(system, e))));
    return all;
  }

  public Optional<Entitlement> entitlement(String systemId, String entitlementId) {
    return Optional.ofNullable(entitlements.getOrDefault(systemId, Map.of()).get(entitlementId));
  }

  /** The functions an entitlement carries; none for an entitlement no longer in the catalogue. */
  public List<String> functionsOf(String systemId, String entitlementId) {
    return entitlement(systemId, entitlementId).map(Entitlement::functions).orElse(List.of());
  }

  /** The eligibility entitlement for a jit entitlement, if the catalogue has one. */
  public Optional<Entitlement> eligibilityFor(String systemId, String jitEntitlementId) {
    return entitlements.getOrDefault(systemId, Map.of()).values().stream()
        .filter(e -> e.isEligibility() && jitEntitlementId.equals(e.eligibleFor())).findFirst();
  }

  /** Whether an entitlement is the registry's only (an eligibility): no connector grants or removes it. */
  public boolean registryOnly(String systemId, String entitlementId) {
    return entitlement(systemId, entitlementId).map(Entitlement::isEligibility).orElse(false);
  }

  /** The connector that provisions a system, if it has one. */
  public Optional<String> connectorOf(String systemId) {
    return Optional.ofNullable(provisioning.get(systemId));
  }

  public List<ServiceAccount> serviceAccounts() {
    return serviceAccounts;
  }

  public Optional<ServiceAccount> serviceAccount(String id) {
    return serviceAccounts.stream().filter(a -> a.id().equals(id)).findFirst();
  }

  /** How many days a service account's credential may go without a rotation. */
  public int rotationDays(ServiceAccount account) {
    return account.rotationDays() == null ? settings.serviceAccountRotationDays() : account.rotationDays();
  }

  /** Spring cron of the scheduled rotation of service accounts' credentials that are due. */
  public String serviceAccountRotationSchedule() {
    return settings.serviceAccountRotationSchedule();
  }

  /**
   * How many rotations by a connector in a row may fail before a due credential becomes a security admin's task
   * ({@code settings.serviceAccountRotationAttempts}, default 2).
   */
  public int serviceAccountRotationAttempts() {
    return settings.serviceAccountRotationAttempts() == null ? 2 : settings.serviceAccountRotationAttempts();
  }

  /**
   * How many business days a security admin has to rotate a credential by hand
   * ({@code settings.serviceAccountRotationTaskBusinessDays}, default 3).
   */
  public int serviceAccountRotationTaskBusinessDays() {
    return settings.serviceAccountRotationTaskBusinessDays() == null ? 3
        : settings.serviceAccountRotationTaskBusinessDays();
  }

  /** Whether a job justifies an entitlement (the mover rule). A job without an entry justifies nothing. */
  public boolean justifies(String job, String systemId, String entitlementId) {
    if (job == null) {
      return false;
    }
    for (String pattern : jobs.getOrDefault(job, List.of())) {
      if (pattern.equals(systemId + "/*") || pattern.equals(systemId + "/" + entitlementId)) {
        return true;
      }
    }
    return false;
  }

  public int exceptionMaxDays() {
    return settings.exceptionMaxDays();
  }

  public Duration revocationReminderBefore() {
    return settings.revocationReminderBefore();
  }

  public String sodScanSchedule() {
    return settings.sodScanSchedule();
  }

}
