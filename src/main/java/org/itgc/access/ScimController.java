package org.itgc.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.itgc.platform.web.NotFoundException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * SCIM 2.0 Users (RFC 7643/7644) as identity providers and HR systems push them: create, get, filter by
 * {@code userName} or {@code externalId}, replace, patch (notably {@code active}) and delete. The employee id is the
 * enterprise extension's {@code employeeNumber}; job is {@code title}; department and manager come from the
 * enterprise extension; hire and termination dates from this engine's HR extension. Deactivating or deleting a user
 * is a termination (the identity is kept: grants are never deleted) and starts revocation. Errors use SCIM's error
 * schema, naming the attribute.
 */
@RestController
class ScimController {

  static final String USER = "urn:ietf:params:scim:schemas:core:2.0:User";
  static final String ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
  static final String HR = "urn:itgc:params:scim:schemas:extension:hr:1.0:User";
  static final String ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";
  static final String LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
  static final String PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
  static final MediaType SCIM_JSON = MediaType.parseMediaType("application/scim+json");
  private static final Pattern FILTER = Pattern.compile("(userName|externalId)\\s+eq\\s+\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);

  private final Identities identities;
  private final ObjectMapper json;
  private final BusinessCalendar calendar;
  private final Clock clock;
  private final String baseUrl;

  ScimController(Identities identities, ObjectMapper json, BusinessCalendar calendar, Clock clock,
      @Value("${itgc.base-url}") String baseUrl) {
    this.identities = identities;
    this.json = json;
    this.calendar = calendar;
    this.clock = clock;
    this.baseUrl = baseUrl;
  }

  @PostMapping(path = "/scim/v2/Users", consumes = {"application/scim+json", "application/json"})
  ResponseEntity<JsonNode> create(@RequestBody JsonNode body) {
    Identity incoming = fromScim(body, null);
    if (identities.find(incoming.id()).isPresent()) {
      throw new ScimConflict("employeeNumber " + incoming.id() + " exists already: use PUT /scim/v2/Users/{id}");
    }
    identities.apply(incoming.withScimId(UUID.randomUUID().toString()), "scim", ScimSecurity.PRINCIPAL);
    Identity stored = identities.find(incoming.id()).orElseThrow();
    return ResponseEntity.status(201).contentType(SCIM_JSON).header("Location", location(stored)).body(toScim(stored));
  }

  @GetMapping(path = "/scim/v2/Users/{id}")
  ResponseEntity<JsonNode> get(@PathVariable String id) {
    return ResponseEntity.ok().contentType(SCIM_JSON).body(toScim(byScimId(id)));
  }

  @GetMapping(path = "/scim/v2/Users")
  ResponseEntity<JsonNode> list(@RequestParam(required = false) String filter) {
    List<Identity> found = new ArrayList<>();
    if (filter == null) {
      found.addAll(identities.search(null, 1000).stream().filter(i -> i.scimId() != null).toList());
    } else {
      Matcher m = FILTER.matcher(filter.strip());
      if (!m.matches()) {
        throw new ScimBadRequest("invalidFilter", "filter", "only 'userName eq \"...\"' and 'externalId eq \"...\"' are supported");
      }
      var identity = "userName".equalsIgnoreCase(m.group(1)) ? identities.findByUserName(m.group(2))
          : identities.find(m.group(2));
      identity.filter(i -> i.scimId() != null).ifPresent(found::add);
    }
    ObjectNode list = json.createObjectNode();
    list.putArray("schemas").add(LIST);
    list.put("totalResults", found.size());
    list.put("startIndex", 1);
    list.put("itemsPerPage", found.size());
    ArrayNode resources = list.putArray("Resources");
    found.forEach(i -> resources.add(toScim(i)));
    return ResponseEntity.ok().contentType(SCIM_JSON).body(list);
  }

  @PutMapping(path = "/scim/v2/Users/{id}", consumes = {"application/scim+json", "application/json"})
  ResponseEntity<JsonNode> replace(@PathVariable String id, @RequestBody JsonNode body) {
    Identity current = byScimId(id);
    Identity incoming = fromScim(body, current);
    if (!incoming.id().equals(current.id())) {
      throw new ScimBadRequest("mutability", ENTERPRISE + ":employeeNumber", "cannot change (" + current.id() + ")");
    }
    identities.apply(incoming.withScimId(current.scimId()), "scim", ScimSecurity.PRINCIPAL);
    return ResponseEntity.ok().contentType(SCIM_JSON).body(toScim(identities.find(current.id()).orElseThrow()));
  }

  @PatchMapping(path = "/scim/v2/Users/{id}", consumes = {"application/scim+json", "application/json"})
  ResponseEntity<JsonNode> patch(@PathVariable String id, @RequestBody JsonNode body) {
    Identity current = byScimId(id);
    if (!body.path("schemas").toString().contains(PATCH) || !body.path("Operations").isArray()) {
      throw new ScimBadRequest("invalidSyntax", "Operations", "a PatchOp with schemas [" + PATCH + "] and Operations is required");
    }
    ObjectNode user = toScim(current);
    int index = 0;
    for (JsonNode operation : body.path("Operations")) {
      String op = operation.path("op").asText("").toLowerCase();
      if (!List.of("add", "replace").contains(op)) {
        throw new ScimBadRequest("invalidValue", "Operations[" + index + "].op",
            "'" + op + "' is not supported: use replace or add (a removal of a user is DELETE)");
      }
      String path = operation.path("path").asText(null);
      JsonNode value = operation.get("value");
      if (value == null) {
        throw new ScimBadRequest("invalidValue", "Operations[" + index + "].value", "is required");
      }
      if (path == null) {
        if (!value.isObject()) {
          throw new ScimBadRequest("invalidValue", "Operations[" + index + "].value", "must be an object without path");
        }
        value.fields().forEachRemaining(f -> set(user, f.getKey(), f.getValue()));
      } else {
        set(user, path, value);
      }
      index++;
    }
    Identity incoming = fromScim(user, current);
    identities.apply(incoming.withScimId(current.scimId()), "scim", ScimSecurity.PRINCIPAL);
    return ResponseEntity.ok().contentType(SCIM_JSON).body(toScim(identities.find(current.id()).orElseThrow()));
  }

  /** A deleted user is terminated, not erased: the registry keeps its history. */
  @DeleteMapping(path = "/scim/v2/Users/{id}")
  ResponseEntity<Void> delete(@PathVariable String id) {
    Identity current = byScimId(id);
    if (current.active()) {
      identities.apply(current.withStatus(Identity.TERMINATED, current.terminationDate() != null
          ? current.terminationDate() : today()), "scim", ScimSecurity.PRINCIPAL);
    }
    return ResponseEntity.noContent().build();
  }

  // ---------------------------------------------------------------- mapping

  private void set(ObjectNode user, String path, JsonNode value) {
    String attribute = path;
    String schema = null;
    for (String extension : List.of(ENTERPRISE, HR)) {
      if (path.startsWith(extension + ":")) {
        schema = extension;
        attribute = path.substring(extension.length() + 1);
      } else if (path.equals(extension)) {
        value.fields().forEachRemaining(f -> ((ObjectNode) user.with(extension)).set(f.getKey(), f.getValue()));
        return;
      }
    }
    if (schema != null) {
      ((ObjectNode) user.with(schema)).set(attribute, value);
    } else if (List.of("active", "userName", "displayName", "title", "externalId", "emails", "name").contains(attribute)) {
      user.set(attribute, value);
    } else {
      throw new ScimBadRequest("invalidPath", path, "is not an attribute this endpoint accepts");
    }
  }

  private Identity fromScim(JsonNode body, Identity current) {
    if (body == null || !body.isObject()) {
      throw new ScimBadRequest("invalidSyntax", "body", "must be a SCIM User object");
    }
    List<FieldError> errors = new ArrayList<>();
    if (!body.path("schemas").isArray() || !body.path("schemas").toString().contains(USER)) {
      errors.add(new FieldError("schemas", "must contain " + USER));
    }
    JsonNode enterprise = body.path(ENTERPRISE);
    JsonNode hr = body.path(HR);
    String employee = text(enterprise.path("employeeNumber"));
    if (employee == null) {
      employee = text(body.path("externalId"));
    }
    if (employee == null) {
      errors.add(new FieldError(ENTERPRISE + ":employeeNumber", "is required (or externalId): the HR employee id"));
    }
    String userName = text(body.path("userName"));
    if (userName == null) {
      errors.add(new FieldError("userName", "is required"));
    }
    String name = text(body.path("displayName"));
    if (name == null) {
      name = text(body.path("name").path("formatted"));
    }
    if (name == null && body.path("name").isObject()) {
      String given = text(body.path("name").path("givenName"));
      String family = text(body.path("name").path("familyName"));
      name = given == null ? family : family == null ? given : given + " " + family;
    }
    if (name == null) {
      errors.add(new FieldError("displayName", "is required (or name.formatted, or name.givenName and familyName)"));
    }
    String email = null;
    JsonNode emails = body.path("emails");
    if (!emails.isMissingNode() && !emails.isArray()) {
      errors.add(new FieldError("emails", "must be an array of {value, primary}"));
    }
    for (JsonNode e : emails) {
      if (email == null || e.path("primary").asBoolean(false)) {
        email = text(e.path("value"));
      }
    }
    JsonNode active = body.path("active");
    if (!active.isMissingNode() && !active.isBoolean()) {
      errors.add(new FieldError("active", "must be true or false"));
    }
    boolean isActive = !active.isBoolean() || active.asBoolean();
    JsonNode manager = enterprise.path("manager");
    String managerId = manager.isObject() ? text(manager.path("value")) : text(manager);
    LocalDate hire = date(hr.path("hireDate"), HR + ":hireDate", errors);
    LocalDate terminated = date(hr.path("terminationDate"), HR + ":terminationDate", errors);
    if (!isActive && terminated == null) {
      terminated = current != null && current.terminationDate() != null ? current.terminationDate() : today();
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    String login = userName.matches("[a-z0-9][a-z0-9._-]{0,63}") ? userName : null;
    return new Identity(employee, Identity.PERSON, name, email, managerId, text(enterprise.path("department")),
        text(body.path("title")), isActive ? Identity.ACTIVE : Identity.TERMINATED, hire, isActive ? null : terminated,
        login, null, "scim", current == null ? null : current.scimId());
  }

  private ObjectNode toScim(Identity identity) {
    ObjectNode user = json.createObjectNode();
    ArrayNode schemas = user.putArray("schemas");
    schemas.add(USER).add(ENTERPRISE).add(HR);
    user.put("id", identity.scimId());
    user.put("externalId", identity.id());
    user.put("userName", identity.userName() != null ? identity.userName() : identity.id());
    user.put("displayName", identity.name());
    user.putObject("name").put("formatted", identity.name());
    user.put("active", identity.active());
    if (identity.job() != null) {
      user.put("title", identity.job());
    }
    if (identity.email() != null) {
      user.putArray("emails").addObject().put("value", identity.email()).put("primary", true);
    }
    ObjectNode enterprise = user.putObject(ENTERPRISE);
    enterprise.put("employeeNumber", identity.id());
    if (identity.department() != null) {
      enterprise.put("department", identity.department());
    }
    if (identity.managerId() != null) {
      enterprise.putObject("manager").put("value", identity.managerId());
    }
    ObjectNode hr = user.putObject(HR);
    if (identity.hireDate() != null) {
      hr.put("hireDate", identity.hireDate().toString());
    }
    if (identity.terminationDate() != null) {
      hr.put("terminationDate", identity.terminationDate().toString());
    }
    ObjectNode meta = user.putObject("meta");
    meta.put("resourceType", "User");
    meta.put("location", location(identity));
    return user;
  }

  private Identity byScimId(String id) {
    return identities.findByScimId(id).orElseThrow(() -> new NotFoundException("SCIM user", id));
  }

  private String location(Identity identity) {
    return baseUrl + "/scim/v2/Users/" + identity.scimId();
  }

  private LocalDate today() {
    return clock.instant().atZone(calendar.zone()).toLocalDate();
  }

  private static String text(JsonNode node) {
    return node == null || !node.isTextual() || node.asText().isBlank() ? null : node.asText().strip();
  }

  private static LocalDate date(JsonNode node, String field, List<FieldError> errors) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return null;
    }
    try {
      String value = node.asText();
      return LocalDate.parse(value.length() > 10 ? value.substring(0, 10) : value);
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(field, "'" + node.asText() + "' is not a date such as 2026-11-30"));
      return null;
    }
  }

  // ---------------------------------------------------------------- errors in SCIM's format

  static final class ScimBadRequest extends RuntimeException {
    final String scimType;
    final String attribute;

    ScimBadRequest(String scimType, String attribute, String reason) {
      super(attribute + ": " + reason);
      this.scimType = scimType;
      this.attribute = attribute;
    }
  }

  static final class ScimConflict extends RuntimeException {
    ScimConflict(String message) {
      super(message);
    }
  }

  @ExceptionHandler(ScimBadRequest.class)
  ResponseEntity<Map<String, Object>> badRequest(ScimBadRequest e) {
    return error(400, e.scimType, e.getMessage());
  }

  @ExceptionHandler(InvalidInputException.class)
  ResponseEntity<Map<String, Object>> invalid(InvalidInputException e) {
    var response = error(400, "invalidValue", e.getMessage());
    response.getBody().put("errors", e.errors().stream().map(f -> Map.of("field", f.field(), "reason", f.reason())).toList());
    return response;
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException e) {
    return error(400, "invalidSyntax", "body: not valid JSON");
  }

  @ExceptionHandler(NotFoundException.class)
  ResponseEntity<Map<String, Object>> notFound(NotFoundException e) {
    return error(404, null, e.getMessage());
  }

  @ExceptionHandler(ScimConflict.class)
  ResponseEntity<Map<String, Object>> conflict(ScimConflict e) {
    return error(409, "uniqueness", e.getMessage());
  }

  private static ResponseEntity<Map<String, Object>> error(int status, String scimType, String detail) {
    return ResponseEntity.status(status).contentType(SCIM_JSON).body(errorBody(status, scimType, detail));
  }

  private static Map<String, Object> errorBody(int status, String scimType, String detail) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("schemas", List.of(ERROR));
    body.put("status", String.valueOf(status));
    if (scimType != null) {
      body.put("scimType", scimType);
    }
    body.put("detail", detail);
    return body;
  }

  static void writeError(ObjectMapper json, HttpServletResponse response, int status, String scimType, String detail)
      throws IOException {
    response.setStatus(status);
    response.setContentType(SCIM_JSON.toString());
    if (status == 401) {
      response.setHeader("WWW-Authenticate", "Bearer realm=\"itgc-engine-scim\"");
    }
    json.writeValue(response.getOutputStream(), errorBody(status, scimType, detail));
  }
}
