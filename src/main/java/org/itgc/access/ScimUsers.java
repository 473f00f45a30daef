package org.itgc.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.filters.EqualFilter;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.messages.PatchOperation;
import com.unboundid.scim2.common.utils.FilterEvaluator;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.Role;
import org.itgc.security.UserAccounts;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * SCIM Users as the identity provider keeps them (table {@code scim_user}), each mapped onto one identity of the
 * registry. The resource is stored as written, so attributes the registry does not map (phone numbers, locale,
 * given and family names) are served back; the registry's facts stay in {@link Identities}, which turns every
 * change into its HR event (joiner, mover, leaver, rehire) in the same transaction.
 *
 * <p>Mapping: the employee id is the enterprise extension's {@code employeeNumber} when sent (so HR's CSV and SCIM
 * agree), else the SCIM id; the manager is the enterprise {@code manager.value}, the SCIM id of another user (or an
 * employee id; an unknown one is refused, naming the attribute); the login of this engine is the {@code userName} when it is a login name, else the login whose e-mail
 * address is the {@code userName} or the primary e-mail. {@code active} and the termination date are the registry's:
 * a user terminated by HR's CSV is served inactive, and a later PATCH of another attribute does not rehire them.
 */
@Service
class ScimUsers {

  static final String USER = "urn:ietf:params:scim:schemas:core:2.0:User";
  static final String ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
  static final String HR = "urn:itgc:params:scim:schemas:extension:hr:1.0:User";
  static final String PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
  static final List<String> EXTENSIONS = List.of(ENTERPRISE, HR);
  private static final List<String> ENTERPRISE_ATTRIBUTES = List.of("employeeNumber", "costCenter", "organization",
      "division", "department", "manager");
  private static final List<String> MULTI_VALUED = List.of("emails", "phoneNumbers", "ims", "photos", "addresses",
      "entitlements", "roles", "x509Certificates");
  private static final String LOGIN = "[a-z0-9][a-z0-9._-]{0,63}";
  /** RFC 7643's User attributes by their lower-case names: attribute names are case-insensitive (section 2.1). */
  private static final List<String> CORE_ATTRIBUTES = List.of("schemas", "id", "externalId", "meta", "userName", "name",
      "displayName", "nickName", "profileUrl", "title", "userType", "preferredLanguage", "locale", "timezone", "active",
      "password", "emails", "phoneNumbers", "ims", "photos", "addresses", "groups", "entitlements", "roles",
      "x509Certificates");
  private static final List<String> NAME_ATTRIBUTES = List.of("formatted", "familyName", "givenName", "middleName",
      "honorificPrefix", "honorificSuffix");

  /** One stored SCIM user. */
  record Stored(String id, String identityId, String userName, String externalId, ObjectNode resource, long version,
      Instant created, Instant updated, Instant identityUpdated) {

    /** Changes with the SCIM resource and with the registry's identity (HR's CSV may terminate or move the person). */
    String etag() {
      return "W/\"" + version + "." + identityUpdated.toEpochMilli() + "\"";
    }

    Instant lastModified() {
      return identityUpdated.isAfter(updated) ? identityUpdated : updated;
    }
  }

  private final JdbcTemplate jdbc;
  private final Identities identities;
  private final UserAccounts logins;
  private final AuditRecorder audit;
  private final BusinessCalendar calendar;
  private final ObjectMapper json;
  private final Clock clock;

  ScimUsers(JdbcTemplate jdbc, Identities identities, UserAccounts logins, AuditRecorder audit,
      BusinessCalendar calendar, ObjectMapper json, Clock clock) {
    this.jdbc = jdbc;
    this.identities = identities;
    this.logins = logins;
    this.audit = audit;
    this.calendar = calendar;
    this.json = json;
    this.clock = clock;
  }

  // ------------------------------------------------------------------ queries

  private static final String SELECT = "select s.*, i.updated_at as identity_updated_at from scim_user s "
      + "join access_identity i on i.id = s.identity_id where s.deleted_at is null and ";

  Optional<Stored> find(String id) {
    return jdbc.query(SELECT + "s.id = ?", this::map, id).stream().findFirst();
  }

  /** One page of all users, in creation order, paged by the database. */
  List<ObjectNode> page(int offset, int limit) {
    return jdbc.query(SELECT + "true order by s.created_at, s.id offset ? limit ?", this::map, offset, limit).stream()
        .map(this::served).toList();
  }

  int count() {
    return jdbc.queryForObject("select count(*) from scim_user where deleted_at is null", Integer.class);
  }

  /**
   * The users a filter selects, in creation order. {@code userName eq}, {@code externalId eq} and {@code id eq} are
   * answered by the database (userName without regard to case, RFC 7643 section 4.1.1; externalId exactly); any
   * other filter is evaluated over the served resources by the SDK.
   */
  List<ObjectNode> search(Filter filter) {
    if (filter instanceof EqualFilter eq && eq.getAttributePath().size() == 1 && eq.getComparisonValue() != null
        && eq.getComparisonValue().isTextual()
        && (eq.getAttributePath().getSchemaUrn() == null || eq.getAttributePath().getSchemaUrn().equalsIgnoreCase(USER))) {
      String value = eq.getComparisonValue().asText();
      String condition = switch (eq.getAttributePath().getElement(0).getAttribute().toLowerCase(Locale.ROOT)) {
        case "username" -> "lower(s.user_name) = lower(?)";
        case "externalid" -> "s.external_id = ?";
        case "id" -> "s.id = ?";
        default -> null;
      };
      if (condition != null) {
        return jdbc.query(SELECT + condition + " order by s.created_at, s.id", this::map, value).stream()
            .map(this::served).toList();
      }
    }
    List<ObjectNode> found = new ArrayList<>();
    for (Stored stored : jdbc.query(SELECT + "true order by s.created_at, s.id", this::map)) {
      ObjectNode served = served(stored);
      try {
        if (FilterEvaluator.evaluate(filter, served)) {
          found.add(served);
        }
      } catch (ScimException e) {
        throw new ScimError(400, "invalidFilter", "filter: " + e.getMessage());
      } catch (StackOverflowError e) {
        throw new ScimError(400, "invalidFilter", "filter: nested too deeply");
      }
    }
    return found;
  }

  /** The resource as served: what the client wrote, with the registry's status, the id and {@code meta}. */
  ObjectNode served(Stored stored) {
    Identity identity = identities.find(stored.identityId()).orElseThrow();
    ObjectNode out = json.createObjectNode();
    ObjectNode resource = stored.resource();
    out.set("schemas", resource.get("schemas"));
    out.put("id", stored.id());
    resource.fields().forEachRemaining(field -> {
      if (!field.getKey().equals("schemas")) {
        out.set(field.getKey(), field.getValue().deepCopy());
      }
    });
    out.put("active", identity.active());
    if (!identity.active() && identity.terminationDate() != null) {
      ensureObject(out, HR).put("terminationDate", identity.terminationDate().toString());
      out.set("schemas", schemas(out));
    }
    JsonNode manager = out.path(ENTERPRISE).path("manager");
    if (manager.isObject() && manager.hasNonNull("value")) {
      find(manager.get("value").asText()).ifPresent(m -> {
        ((ObjectNode) manager).put("$ref", "Users/" + m.id());
        identities.find(m.identityId()).ifPresent(i -> ((ObjectNode) manager).put("displayName", i.name()));
      });
    }
    ObjectNode meta = out.putObject("meta");
    meta.put("resourceType", "User");
    meta.put("created", stored.created().toString());
    meta.put("lastModified", stored.lastModified().toString());
    meta.put("version", stored.etag());
    return out;
  }

  // ------------------------------------------------------------------ writes

  @Transactional
  Stored create(JsonNode body, String actor) {
    ObjectNode resource = normalize(body);
    String userName = resource.get("userName").asText();
    requireUniqueUserName(userName, null);
    String scimId = UUID.randomUUID().toString();
    String externalId = text(resource.get("externalId"));
    String employeeNumber = text(resource.path(ENTERPRISE).get("employeeNumber"));
    String identityId = employeeNumber != null ? employeeNumber
        : previousIdentityOf(externalId).orElse(scimId);
    if (jdbc.queryForObject("select count(*) from scim_user where identity_id = ? and deleted_at is null", Integer.class,
        identityId) > 0) {
      throw ScimError.uniqueness(ENTERPRISE + ":employeeNumber", "employee " + identityId
          + " has a SCIM user already: use PUT or PATCH on it");
    }
    Optional<Identity> current = identities.find(identityId);
    if (current.isPresent() && (!Identity.PERSON.equals(current.get().kind())
        || !List.of("hr-csv", "scim").contains(current.get().source()))) {
      throw ScimError.uniqueness(ENTERPRISE + ":employeeNumber", "'" + identityId + "' is a " + current.get().kind()
          + " identity of source " + current.get().source() + ", not a person from HR: SCIM cannot take it over");
    }
    dropTerminationDateIfActive(resource);
    apply(resource, identityId, scimId, current.orElse(null), Set.of(), actor);
    Instant now = clock.instant();
    try {
      jdbc.update("""
          insert into scim_user (id, identity_id, user_name, external_id, resource, version, created_at, updated_at)
          values (?, ?, ?, ?, cast(? as jsonb), 1, ?, ?)
          """, scimId, identityId, userName, externalId, write(resource), Timestamp.from(now), Timestamp.from(now));
    } catch (DuplicateKeyException e) {
      throw ScimError.uniqueness("userName", "'" + userName + "' or employee " + identityId
          + " was provisioned at the same moment by another request");
    }
    audit.record(AuditEvent.of(current.isPresent() ? "scim.user.adopt" : "scim.user.create", "scim-user", scimId)
        .actor(actor, null).detail("identityId", identityId).detail("userName", userName)
        .detail("externalId", externalId).build());
    return find(scimId).orElseThrow();
  }

  /**
   * PUT replaces the SCIM resource. Registry facts the resource does not carry (a job or manager from HR's CSV that
   * this identity provider does not map) are kept, not cleared.
   */
  @Transactional
  Stored replace(String id, JsonNode body, String ifMatch, String actor) {
    Stored stored = lock(id, ifMatch);
    ObjectNode resource = normalize(body);
    if (!resource.has("active")) {
      resource.set("active", stored.resource().path("active").isBoolean() ? stored.resource().get("active")
          : json.getNodeFactory().booleanNode(true));
    }
    return update(stored, resource, Set.of(), "scim.user.replace", Map.of(), actor);
  }

  /**
   * PATCH applies its operations to the resource as the client last wrote it (not to the served one, whose status is
   * the registry's); a removed attribute (or one replaced by null) clears the registry's fact it maps to.
   */
  @Transactional
  Stored patch(String id, JsonNode body, String ifMatch, String actor) {
    Stored stored = lock(id, ifMatch);
    ObjectNode resource = stored.resource().deepCopy();
    List<String> applied = new ArrayList<>();
    Set<String> cleared = new java.util.HashSet<>();
    int index = 0;
    for (PatchOperation operation : operations(body)) {
      try {
        operation.apply(resource);
      } catch (ScimException e) {
        var error = e.getScimError();
        throw new ScimError(error.getStatus(), error.getScimType(), "Operations[" + index + "]: " + e.getMessage());
      } catch (RuntimeException e) {
        throw ScimError.invalidValue("Operations[" + index + "]", String.valueOf(e.getMessage()));
      }
      if (operation.getOpType() == com.unboundid.scim2.common.messages.PatchOpType.REMOVE) {
        Path path = operation.getPath();
        String attribute = path.size() == 0 ? "" : path.getElement(0).getAttribute();
        cleared.add(path.getSchemaUrn() == null ? attribute : path.getSchemaUrn() + ":" + attribute);
      }
      applied.add(operation.getOpType() + " " + (operation.getPath() == null ? "(no path)" : operation.getPath()));
      index++;
    }
    return update(stored, normalize(resource), cleared, "scim.user.patch", Map.of("operations", applied), actor);
  }

  /** A deleted user is terminated in the registry (its history stays) and is no longer served: 404 afterwards. */
  @Transactional
  void delete(String id, String ifMatch, String actor) {
    Stored stored = lock(id, ifMatch);
    Identity identity = identities.find(stored.identityId()).orElseThrow();
    if (identity.active()) {
      identities.apply(identity.withStatus(Identity.TERMINATED, today()), "scim", actor);
    }
    jdbc.update("update scim_user set deleted_at = ?, version = version + 1 where id = ?",
        Timestamp.from(clock.instant()), id);
    audit.record(AuditEvent.of("scim.user.delete", "scim-user", id).actor(actor, null)
        .detail("identityId", stored.identityId()).detail("userName", stored.userName()).build());
  }

  private Stored update(Stored stored, ObjectNode resource, Set<String> cleared, String action,
      Map<String, Object> details, String actor) {
    String userName = resource.get("userName").asText();
    requireUniqueUserName(userName, stored.id());
    String employeeNumber = text(resource.path(ENTERPRISE).get("employeeNumber"));
    if (employeeNumber != null && !employeeNumber.equals(stored.identityId())) {
      throw ScimError.mutability(ENTERPRISE + ":employeeNumber", "this user is employee " + stored.identityId()
          + " in the registry; an employee id cannot change (a different employee is a different user: delete this"
          + " one and provision that one)");
    }
    dropTerminationDateIfActive(resource);
    Identity current = identities.find(stored.identityId()).orElseThrow();
    apply(resource, stored.identityId(), stored.id(), current, cleared, actor);
    if (!resource.equals(stored.resource())) {
      jdbc.update("""
          update scim_user set user_name = ?, external_id = ?, resource = cast(? as jsonb), version = version + 1,
              updated_at = ? where id = ?
          """, userName, text(resource.get("externalId")), write(resource), Timestamp.from(clock.instant()), stored.id());
      AuditEvent.Builder event = AuditEvent.of(action, "scim-user", stored.id()).actor(actor, null)
          .detail("identityId", stored.identityId()).detail("userName", userName);
      details.forEach(event::detail);
      audit.record(event.build());
    }
    return find(stored.id()).orElseThrow();
  }

  /** A termination date on an active user would date a later deactivation back to it. */
  private static void dropTerminationDateIfActive(ObjectNode resource) {
    if (resource.path("active").asBoolean(true) && resource.get(HR) instanceof ObjectNode hr) {
      hr.remove("terminationDate");
      if (hr.isEmpty()) {
        resource.remove(HR);
      }
    }
  }

  private Stored lock(String id, String ifMatch) {
    Stored stored = jdbc.query(SELECT + "s.id = ? for update of s", this::map, id).stream().findFirst().orElseThrow(() -> ScimError.notFound("User " + id + " does not exist"));
    if (ifMatch != null && !ifMatch.isBlank() && !ifMatch.strip().equals("*")
        && List.of(ifMatch.split(",")).stream().map(String::strip).noneMatch(stored.etag()::equals)) {
      throw ScimError.preconditionFailed("If-Match " + ifMatch + " does not match the current version " + stored.etag());
    }
    return stored;
  }

  private void requireUniqueUserName(String userName, String self) {
    List<String> holders = jdbc.queryForList(
        "select id from scim_user where lower(user_name) = lower(?) and deleted_at is null", String.class, userName);
    if (holders.stream().anyMatch(h -> !h.equals(self))) {
      throw ScimError.uniqueness("userName", "'" + userName + "' is taken (user names are compared without regard to case)");
    }
  }

  /** The identity of a deleted SCIM user with this externalId: the same person provisioned again is a rehire. */
  private Optional<String> previousIdentityOf(String externalId) {
    if (externalId == null) {
      return Optional.empty();
    }
    return jdbc.queryForList("select identity_id from scim_user where external_id = ? and deleted_at is not null "
        + "order by deleted_at desc limit 1", String.class, externalId).stream().findFirst();
  }

  // ------------------------------------------------------------------ the registry's view of a resource

  private void apply(ObjectNode resource, String identityId, String scimId, Identity current, Set<String> cleared,
      String actor) {
    Identity incoming = toIdentity(resource, identityId, scimId, current, cleared);
    if (current != null && !current.active() && incoming.active() && !terminatedBySCim(identityId)) {
      // a termination by HR (CSV) is not reversed by the identity provider still listing the person as active
      incoming = incoming.withStatus(Identity.TERMINATED, current.terminationDate());
      audit.record(AuditEvent.of("scim.user.reactivation-refused", "identity", identityId).actor(actor, null)
          .denied("terminated by " + current.source() + ", not by SCIM: only HR reverses its own termination").build());
    }
    try {
      identities.apply(incoming, "scim", actor);
    } catch (InvalidInputException e) {
      var first = e.errors().get(0);
      String attribute = switch (first.field()) {
        case "employeeId" -> ENTERPRISE + ":employeeNumber";
        case "name" -> "displayName";
        case "email" -> "emails";
        case "managerId" -> ENTERPRISE + ":manager";
        case "job" -> "title";
        case "department" -> ENTERPRISE + ":department";
        case "terminationDate" -> HR + ":terminationDate";
        default -> first.field();
      };
      if (first.reason().contains("already belongs")) {
        throw ScimError.uniqueness(attribute, first.reason());
      }
      throw ScimError.invalidValue(attribute, first.reason());
    }
  }

  /** Whether the identity's latest termination came from SCIM (the identity provider may then reverse it). */
  private boolean terminatedBySCim(String identityId) {
    return jdbc.queryForList("select source from access_hr_event where identity_id = ? and kind = 'leaver' "
        + "order by id desc limit 1", String.class, identityId).stream().findFirst().map("scim"::equals).orElse(false);
  }

  /**
   * The registry's identity this resource describes. A fact the resource does not carry keeps its current value (HR's
   * CSV may hold it); a fact the request removed is cleared. The login binding is made once and never changed here.
   */
  private Identity toIdentity(ObjectNode resource, String identityId, String scimId, Identity current,
      Set<String> cleared) {
    JsonNode enterprise = resource.path(ENTERPRISE);
    JsonNode hr = resource.path(HR);
    String userName = resource.get("userName").asText();
    JsonNode name = resource.path("name");
    String displayName = text(resource.get("displayName"));
    if (displayName == null) {
      displayName = text(name.get("formatted"));
    }
    if (displayName == null) {
      String given = text(name.get("givenName"));
      String family = text(name.get("familyName"));
      displayName = given == null ? family : family == null ? given : given + " " + family;
    }
    if (displayName == null) {
      displayName = current != null ? current.name() : userName;
    }
    String email = kept(primaryEmail(resource), resource.has("emails") || cleared.contains("emails"),
        current == null ? null : current.email());
    String managerRef = text(enterprise.path("manager").get("value"));
    String managerId = managerRef != null ? resolveManager(managerRef, identityId)
        : cleared.contains(ENTERPRISE + ":manager") || current == null ? null : current.managerId();
    String department = kept(text(enterprise.get("department")),
        enterprise.has("department") || cleared.contains(ENTERPRISE + ":department"),
        current == null ? null : current.department());
    String job = kept(text(resource.get("title")), resource.has("title") || cleared.contains("title"),
        current == null ? null : current.job());
    boolean active = resource.path("active").asBoolean(current == null || current.active());
    LocalDate hire = date(hr.get("hireDate"), HR + ":hireDate");
    if (hire == null && current != null) {
      hire = current.hireDate();
    }
    LocalDate terminated = null;
    if (!active) {
      terminated = date(hr.get("terminationDate"), HR + ":terminationDate");
      if (terminated == null) {
        terminated = current != null && current.terminationDate() != null ? current.terminationDate() : today();
      }
    }
    return new Identity(identityId, current == null ? Identity.PERSON : current.kind(), displayName, email, managerId,
        department, job, active ? Identity.ACTIVE : Identity.TERMINATED, hire, terminated,
        login(userName, identityId, current), current == null ? null : current.ownerId(), "scim", scimId);
  }

  /** The sent value; else, when the resource neither carries nor cleared the attribute, the current one. */
  private static String kept(String sent, boolean addressed, String current) {
    return sent != null || addressed ? sent : current;
  }

  /**
   * The manager's identity: a SCIM user's id (RFC 7643 section 4.3), or an employee id of the registry; unknown ones
   * and ones that would make a cycle in HR's chain are refused.
   */
  private String resolveManager(String reference, String identityId) {
    String managerId = jdbc.queryForList("select identity_id from scim_user where id = ? order by deleted_at nulls first "
            + "limit 1", String.class, reference).stream().findFirst()
        .or(() -> identities.find(reference).map(Identity::id))
        .orElseThrow(() -> ScimError.invalidValue(ENTERPRISE + ":manager.value", "'" + reference
            + "' is neither the id of a SCIM user nor an employee id of the registry"));
    String above = managerId;
    for (int depth = 0; above != null && depth < 50; depth++) {
      if (above.equals(identityId)) {
        throw ScimError.invalidValue(ENTERPRISE + ":manager.value", "'" + reference + "' would make a cycle: "
            + identityId + " is above that manager in the chain");
      }
      above = identities.find(above).map(Identity::managerId).orElse(null);
    }
    return managerId;
  }

  /**
   * This engine's login of the person, bound once: a binding already made (by HR's CSV or earlier) is never changed
   * by SCIM. Unbound: the user name when it is a login name, else the login whose e-mail address is the user name;
   * never a login another identity holds, and never an administrator's login (those are bound by HR's CSV or a
   * security admin, so that an identity provider cannot terminate or re-manage an administrator's login).
   */
  private String login(String userName, String identityId, Identity current) {
    if (current != null && current.userName() != null) {
      return current.userName();
    }
    String lower = userName.toLowerCase(Locale.ROOT);
    Optional<String> candidate = lower.matches(LOGIN) ? Optional.of(lower) : logins.loginWithEmail(userName);
    return candidate.filter(login -> identities.findByUserName(login).map(Identity::id).map(identityId::equals)
            .orElse(true))
        .filter(login -> logins.find(login).map(account -> account.roles().stream()
            .noneMatch(role -> role == Role.ENGINE_ADMIN || role == Role.SECURITY_ADMIN)).orElse(true))
        .orElse(null);
  }

  private static String primaryEmail(ObjectNode resource) {
    String first = null;
    String work = null;
    for (JsonNode e : resource.path("emails")) {
      String value = text(e.get("value"));
      if (value == null) {
        continue;
      }
      if (e.path("primary").asBoolean(false)) {
        return value;
      }
      if (first == null) {
        first = value;
      }
      if (work == null && "work".equalsIgnoreCase(e.path("type").asText())) {
        work = value;
      }
    }
    return work != null ? work : first;
  }

  // ------------------------------------------------------------------ input as identity providers send it

  /**
   * A User resource made regular: read-only {@code id}, {@code meta} and {@code groups} and the write-only
   * {@code password} (Okta sends one) dropped; attributes written with their
   * schema's URN ({@code urn:...:enterprise:2.0:User:department}) or enterprise attributes written at the top level
   * (Entra's {@code manager}) moved into their extension; string booleans ({@code "False"}, as Entra sends them)
   * made booleans; a manager given as a bare id or a one-element array made {@code {value}}; {@code schemas} listing
   * the extensions present.
   */
  ObjectNode normalize(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw ScimError.invalidSyntax("body: must be a SCIM User object");
    }
    ObjectNode resource = body.deepCopy();
    canonicalKeys(resource, CORE_ATTRIBUTES);
    resource.remove("id");
    resource.remove("meta");
    resource.remove("password"); // write-only (RFC 7643 section 4.1.1): this engine keeps no IdP passwords
    resource.remove("groups"); // read-only: groups are not provisioned here
    boolean user = false;
    for (JsonNode schema : resource.path("schemas")) {
      user |= USER.equalsIgnoreCase(schema.asText());
    }
    if (!user) {
      throw ScimError.invalidValue("schemas", "must contain " + USER);
    }
    for (String field : iterable(resource.fieldNames())) {
      for (String extension : EXTENSIONS) {
        if (field.length() > extension.length() && field.regionMatches(true, 0, extension + ":", 0, extension.length() + 1)) {
          ensureObject(resource, extension).set(field.substring(extension.length() + 1), resource.remove(field));
        } else if (!field.equals(extension) && field.equalsIgnoreCase(extension)) {
          ensureObject(resource, extension).setAll((ObjectNode) objectOrFail(resource.remove(field), field));
        }
      }
      if (field.regionMatches(true, 0, USER + ":", 0, USER.length() + 1)) {
        resource.set(field.substring(USER.length() + 1), resource.remove(field));
      }
      if (ENTERPRISE_ATTRIBUTES.contains(field)) {
        ensureObject(resource, ENTERPRISE).set(field, resource.remove(field));
      }
    }
    canonicalKeys(resource, CORE_ATTRIBUTES);
    if (resource.get(ENTERPRISE) instanceof ObjectNode enterpriseObject) {
      canonicalKeys(enterpriseObject, ENTERPRISE_ATTRIBUTES);
    }
    if (resource.get("name") instanceof ObjectNode nameObject) {
      canonicalKeys(nameObject, NAME_ATTRIBUTES);
    }
    for (String attribute : List.of("userName", "externalId", "displayName", "title", "nickName")) {
      JsonNode value = resource.get(attribute);
      if (value != null && value.isTextual() && value.asText().length() > 256) {
        throw ScimError.invalidValue(attribute, "is longer than 256 characters");
      }
    }
    bool(resource, "active", "active");
    for (String attribute : MULTI_VALUED) {
      JsonNode values = resource.get(attribute);
      if (values != null && !values.isNull() && !values.isArray()) {
        throw ScimError.invalidValue(attribute, "must be an array (a multi-valued attribute)");
      }
      int i = 0;
      for (JsonNode value : resource.path(attribute)) {
        if (value.isObject()) {
          bool((ObjectNode) value, "primary", attribute + "[" + i + "].primary");
        }
        i++;
      }
    }
    JsonNode enterprise = resource.get(ENTERPRISE);
    if (enterprise != null) {
      ObjectNode extension = (ObjectNode) objectOrFail(enterprise, ENTERPRISE);
      JsonNode manager = extension.get("manager");
      if (manager != null) {
        if (manager.isArray()) {
          manager = manager.isEmpty() ? null : manager.get(0);
        }
        if (manager != null && manager.isTextual()) {
          manager = json.createObjectNode().put("value", manager.asText());
        }
        if (manager == null || manager.isNull() || !manager.isObject() || text(manager.get("value")) == null) {
          if (manager != null && !manager.isNull() && !manager.isObject()) {
            throw ScimError.invalidValue(ENTERPRISE + ":manager", "must be {\"value\": \"<the manager's id>\"}");
          }
          extension.remove("manager");
        } else {
          ObjectNode reference = json.createObjectNode().put("value", text(manager.get("value")));
          extension.set("manager", reference);
        }
      }
      if (extension.isEmpty()) {
        resource.remove(ENTERPRISE);
      }
    }
    if (resource.has(HR)) {
      objectOrFail(resource.get(HR), HR);
    }
    String userName = text(resource.get("userName"));
    if (userName == null) {
      throw ScimError.invalidValue("userName", "is required (RFC 7643 section 4.1.1)");
    }
    if (userName.length() > 256) {
      throw ScimError.invalidValue("userName", "is longer than 256 characters");
    }
    resource.put("userName", userName);
    JsonNode externalId = resource.get("externalId");
    if (externalId != null && !externalId.isNull() && !externalId.isTextual()) {
      throw ScimError.invalidValue("externalId", "must be a string");
    }
    resource.set("schemas", schemas(resource));
    return resource;
  }

  /** The PATCH operations of a PatchOp message; a path-less operation is one operation per attribute of its value. */
  List<PatchOperation> operations(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw ScimError.invalidSyntax("body: must be a PatchOp message");
    }
    boolean patchOp = false;
    for (JsonNode schema : body.path("schemas")) {
      patchOp |= PATCH_OP.equalsIgnoreCase(schema.asText());
    }
    if (!patchOp) {
      throw ScimError.invalidValue("schemas", "must contain " + PATCH_OP);
    }
    JsonNode list = body.has("Operations") ? body.get("Operations") : body.get("operations");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw ScimError.invalidValue("Operations", "must be a non-empty array");
    }
    List<PatchOperation> operations = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode operation = list.get(i);
      String at = "Operations[" + i + "]";
      String op = operation.path("op").asText("").toLowerCase(Locale.ROOT);
      if (!List.of("add", "replace", "remove").contains(op)) {
        throw ScimError.invalidValue(at + ".op", "'" + operation.path("op").asText("") + "' must be add, replace or remove");
      }
      String pathText = text(operation.get("path"));
      JsonNode value = operation.get("value");
      if (pathText == null) {
        if (op.equals("remove")) {
          throw new ScimError(400, "noTarget", at + ".path: is required for remove");
        }
        if (value == null || !value.isObject()) {
          throw ScimError.invalidValue(at + ".value", "must be an object of attributes when there is no path");
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
          Map.Entry<String, JsonNode> field = fields.next();
          operations.add(build(op, path(field.getKey(), at + ".value." + field.getKey()), field.getValue(), at));
        }
      } else {
        if (!op.equals("remove") && value == null) {
          throw ScimError.invalidValue(at + ".value", "is required for " + op);
        }
        operations.add(build(op, path(pathText, at + ".path"), value, at));
      }
    }
    return operations;
  }

  private static PatchOperation build(String op, Path path, JsonNode value, String at) {
    if (path.isRoot() && !op.equals("remove") && (value == null || !value.isObject())) {
      throw ScimError.invalidValue(at + ".value", "must be an object");
    }
    boolean empty = value == null || value.isNull() || (value.isContainerNode() && value.isEmpty())
        || (value.isTextual() && value.asText().isEmpty());
    if (op.equals("replace") && empty && !path.isRoot()) {
      return PatchOperation.remove(path); // replacing with nothing is removing (RFC 7644 section 3.5.2.3)
    }
    if (op.equals("add") && empty) {
      throw ScimError.invalidValue(at + ".value", "is required for add (an empty value adds nothing)");
    }
    try {
      return switch (op) {
        case "add" -> PatchOperation.add(path, value);
        case "replace" -> PatchOperation.replace(path, value);
        default -> PatchOperation.remove(path);
      };
    } catch (RuntimeException e) {
      throw ScimError.invalidValue(at + ".value", String.valueOf(e.getMessage()));
    }
  }

  /** Renames an object's keys to the schema's spelling when they differ only in case. */
  private static void canonicalKeys(ObjectNode node, List<String> names) {
    for (String field : iterable(node.fieldNames())) {
      for (String name : names) {
        if (!field.equals(name) && field.equalsIgnoreCase(name)) {
          JsonNode value = node.remove(field);
          if (!node.has(name)) {
            node.set(name, value);
          }
        }
      }
    }
  }

  /**
   * A PATCH path in the schema's spelling: the core schema's URN prefix dropped, and attribute names that differ from
   * the schema's only in case (an extension's too) written as the schema writes them.
   */
  static String canonicalPath(String text) {
    String path = text.strip();
    if (path.regionMatches(true, 0, USER + ":", 0, USER.length() + 1)) {
      path = path.substring(USER.length() + 1);
    }
    for (String extension : EXTENSIONS) {
      if (path.regionMatches(true, 0, extension + ":", 0, extension.length() + 1)) {
        String rest = path.substring(extension.length() + 1);
        return extension + ":" + canonicalHead(rest, extension.equals(ENTERPRISE) ? ENTERPRISE_ATTRIBUTES : List.of());
      }
    }
    String canonical = canonicalHead(path, CORE_ATTRIBUTES);
    if (canonical.startsWith("name.")) {
      canonical = "name." + canonicalHead(canonical.substring(5), NAME_ATTRIBUTES);
    }
    return canonical;
  }

  private static String canonicalHead(String path, List<String> names) {
    int end = 0;
    while (end < path.length() && (Character.isLetterOrDigit(path.charAt(end)) || "_-$".indexOf(path.charAt(end)) >= 0)) {
      end++;
    }
    String head = path.substring(0, end);
    for (String name : names) {
      if (name.equalsIgnoreCase(head)) {
        return name + path.substring(end);
      }
    }
    return path;
  }

  private static Path path(String text, String field) {
    try {
      return Path.fromString(canonicalPath(text));
    } catch (ScimException | RuntimeException e) {
      throw ScimError.invalidPath(field, "'" + text + "' is not a SCIM attribute path (" + e.getMessage() + ")");
    }
  }

  private static void bool(ObjectNode node, String attribute, String field) {
    JsonNode value = node.get(attribute);
    if (value == null || value.isNull() || value.isBoolean()) {
      return;
    }
    if (value.isTextual() && List.of("true", "false").contains(value.asText().strip().toLowerCase(Locale.ROOT))) {
      node.put(attribute, Boolean.parseBoolean(value.asText().strip().toLowerCase(Locale.ROOT)));
      return;
    }
    throw ScimError.invalidValue(field, "'" + value.asText() + "' must be true or false");
  }

  private ArrayNode schemas(ObjectNode resource) {
    ArrayNode schemas = json.createArrayNode().add(USER);
    for (String extension : EXTENSIONS) {
      if (resource.has(extension)) {
        schemas.add(extension);
      }
    }
    return schemas;
  }

  private static JsonNode objectOrFail(JsonNode node, String field) {
    if (node == null || !node.isObject()) {
      throw ScimError.invalidValue(field, "must be an object");
    }
    return node;
  }

  private static ObjectNode ensureObject(ObjectNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node instanceof ObjectNode object) {
      return object;
    }
    return parent.putObject(field);
  }

  /** The names as a list of their own: callers change the object whose names they go through. */
  private static <T> List<T> iterable(Iterator<T> iterator) {
    List<T> list = new ArrayList<>();
    iterator.forEachRemaining(list::add);
    return list;
  }

  private LocalDate today() {
    return clock.instant().atZone(calendar.zone()).toLocalDate();
  }

  private static LocalDate date(JsonNode node, String field) {
    if (node == null || node.isNull() || node.asText().isBlank()) {
      return null;
    }
    String value = node.asText().strip();
    try {
      return LocalDate.parse(value.length() > 10 ? value.substring(0, 10) : value);
    } catch (DateTimeParseException e) {
      throw ScimError.invalidValue(field, "'" + value + "' is not a date such as 2026-11-30");
    }
  }

  static String text(JsonNode node) {
    return node == null || !node.isTextual() || node.asText().isBlank() ? null : node.asText().strip();
  }

  private String write(ObjectNode resource) {
    try {
      return json.writeValueAsString(resource);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Stored map(ResultSet rs, int row) throws SQLException {
    try {
      return new Stored(rs.getString("id"), rs.getString("identity_id"), rs.getString("user_name"),
          rs.getString("external_id"), (ObjectNode) json.readTree(rs.getString("resource")), rs.getLong("version"),
          rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
          rs.getTimestamp("identity_updated_at").toInstant());
    } catch (JsonProcessingException e) {
      throw new SQLException("scim_user " + rs.getString("id") + " holds no JSON", e);
    }
  }
}
