package org.itgc.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.filters.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * SCIM 2.0 service provider for Users (RFC 7643/7644) as Microsoft Entra ID and Okta provision them: discovery
 * ({@code /ServiceProviderConfig}, {@code /Schemas}, {@code /ResourceTypes}), create, get, list with filters and
 * paging, {@code /.search}, replace, PATCH ({@code add}, {@code replace}, {@code remove}, value filters in paths,
 * capitalised op names, string booleans, path-less values), delete; {@code attributes}/{@code excludedAttributes};
 * {@code meta} with created, lastModified and version, ETags with {@code If-Match}/{@code If-None-Match}. The
 * protocol work (filter parsing and evaluation, PATCH paths) is Ping Identity's SCIM 2 SDK; storage and mapping onto
 * the registry are {@link ScimUsers}. Every 4xx under {@code /scim/v2} is a SCIM error naming the attribute. Groups,
 * bulk, sorting and password change are declared unsupported.
 */
@RestController
class ScimController {

  static final String USER = ScimUsers.USER;
  static final String ENTERPRISE = ScimUsers.ENTERPRISE;
  static final String HR = ScimUsers.HR;
  static final String PATCH = ScimUsers.PATCH_OP;
  static final String ERROR = org.itgc.platform.web.ErrorAnswers.SCIM_ERROR;
  static final String LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
  static final String SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
  static final MediaType SCIM_JSON = MediaType.parseMediaType("application/scim+json");
  static final int MAX_RESULTS = 1000;
  static final int MAX_FILTER = 4000;
  /** A User resource of real size is a few kilobytes; larger bodies are refused before they are parsed. */
  static final int MAX_BODY = 256 * 1024;
  private static final String BASE = "/scim/v2";

  private final ScimUsers users;
  private final ScimDiscovery discovery;
  private final ObjectMapper json;
  private final String baseUrl;

  ScimController(ScimUsers users, ScimDiscovery discovery, ObjectMapper json, @Value("${itgc.base-url}") String baseUrl) {
    this.users = users;
    this.discovery = discovery;
    this.json = json;
    this.baseUrl = baseUrl;
  }

  // ---------------------------------------------------------------- discovery (RFC 7644 section 4)

  @GetMapping(BASE + "/ServiceProviderConfig")
  ResponseEntity<JsonNode> serviceProviderConfig() {
    return ok(discovery.serviceProviderConfig(baseUrl + BASE));
  }

  @GetMapping(BASE + "/Schemas")
  ResponseEntity<JsonNode> schemas() {
    return ok(list(discovery.schemas(baseUrl + BASE), 1, discovery.schemas(baseUrl + BASE).size()));
  }

  @GetMapping(BASE + "/Schemas/{id}")
  ResponseEntity<JsonNode> schema(@PathVariable String id) {
    return ok(discovery.schemas(baseUrl + BASE).stream().filter(s -> s.path("id").asText().equals(id)).findFirst()
        .orElseThrow(() -> ScimError.notFound("Schema " + id + " is not one of this service provider's")));
  }

  @GetMapping(BASE + "/ResourceTypes")
  ResponseEntity<JsonNode> resourceTypes() {
    return ok(list(List.of(discovery.userResourceType(baseUrl + BASE)), 1, 1));
  }

  @GetMapping(BASE + "/ResourceTypes/{name}")
  ResponseEntity<JsonNode> resourceType(@PathVariable String name) {
    if (!name.equals("User")) {
      throw ScimError.notFound("ResourceType " + name + " is not served: this service provider has Users only");
    }
    return ok(discovery.userResourceType(baseUrl + BASE));
  }

  // ---------------------------------------------------------------- Users

  @PostMapping(BASE + "/Users")
  ResponseEntity<JsonNode> create(@RequestBody(required = false) byte[] body) {
    ScimUsers.Stored stored = users.create(parse(body), actor());
    ObjectNode served = served(stored);
    return ResponseEntity.status(201).contentType(SCIM_JSON).eTag(stored.etag())
        .header(HttpHeaders.LOCATION, served.path("meta").path("location").asText()).body(served);
  }

  @GetMapping(BASE + "/Users/{id}")
  ResponseEntity<JsonNode> get(@PathVariable String id, @RequestParam(required = false) String attributes,
      @RequestParam(required = false) String excludedAttributes,
      @RequestHeader(value = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
    ScimUsers.Stored stored = users.find(id).orElseThrow(() -> ScimError.notFound("User " + id + " does not exist"));
    if (ifNoneMatch != null && List.of(ifNoneMatch.split(",")).stream().map(String::strip)
        .anyMatch(tag -> tag.equals(stored.etag()) || tag.equals("*"))) {
      return ResponseEntity.status(304).eTag(stored.etag()).build();
    }
    return ResponseEntity.ok().contentType(SCIM_JSON).eTag(stored.etag())
        .body(project(served(stored), names(attributes, "attributes"), names(excludedAttributes, "excludedAttributes")));
  }

  @GetMapping(BASE + "/Users")
  ResponseEntity<JsonNode> list(@RequestParam(required = false) String filter,
      @RequestParam(required = false) String startIndex, @RequestParam(required = false) String count,
      @RequestParam(required = false) String attributes, @RequestParam(required = false) String excludedAttributes) {
    return ok(search(filter, number(startIndex, "startIndex", 1), number(count, "count", 100),
        names(attributes, "attributes"), names(excludedAttributes, "excludedAttributes")));
  }

  /** RFC 7644 section 3.4.3: a query in the body, for filters too long or too private for a URL. */
  @PostMapping(BASE + "/Users/.search")
  ResponseEntity<JsonNode> searchByPost(@RequestBody(required = false) byte[] body) {
    JsonNode request = parse(body);
    boolean searchRequest = false;
    for (JsonNode schema : request.path("schemas")) {
      searchRequest |= SEARCH.equalsIgnoreCase(schema.asText());
    }
    if (!searchRequest) {
      throw ScimError.invalidValue("schemas", "must contain " + SEARCH);
    }
    return ok(search(textOrNull(request, "filter"), integer(request, "startIndex", 1), integer(request, "count", 100),
        listOf(request, "attributes"), listOf(request, "excludedAttributes")));
  }

  @PutMapping(BASE + "/Users/{id}")
  ResponseEntity<JsonNode> replace(@PathVariable String id, @RequestBody(required = false) byte[] body,
      @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    ScimUsers.Stored stored = users.replace(id, parse(body), ifMatch, actor());
    return ResponseEntity.ok().contentType(SCIM_JSON).eTag(stored.etag()).body(served(stored));
  }

  @PatchMapping(BASE + "/Users/{id}")
  ResponseEntity<JsonNode> patch(@PathVariable String id, @RequestBody(required = false) byte[] body,
      @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    ScimUsers.Stored stored = users.patch(id, parse(body), ifMatch, actor());
    return ResponseEntity.ok().contentType(SCIM_JSON).eTag(stored.etag()).body(served(stored));
  }

  /** The identity stays in the registry as a terminated leaver (evidence); SCIM answers 404 for it afterwards. */
  @DeleteMapping(BASE + "/Users/{id}")
  ResponseEntity<Void> delete(@PathVariable String id,
      @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    users.delete(id, ifMatch, actor());
    return ResponseEntity.noContent().build();
  }

  /** Anything else under /scim/v2: a SCIM 404 (or 405 on a known endpoint), never an HTML page. */
  @RequestMapping(BASE + "/**")
  ResponseEntity<Map<String, Object>> elsewhere(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    Map<String, Set<String>> known = Map.of(BASE + "/Users", Set.of("GET", "POST"), BASE + "/Users/.search",
        Set.of("POST"), BASE + "/ServiceProviderConfig", Set.of("GET"), BASE + "/Schemas", Set.of("GET"),
        BASE + "/ResourceTypes", Set.of("GET"));
    String stripped = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (known.containsKey(stripped) || stripped.matches(BASE + "/Users/[^/]+")) {
      Set<String> allowed = known.getOrDefault(stripped, Set.of("GET", "PUT", "PATCH", "DELETE"));
      var response = error(405, null, request.getMethod() + " is not supported on " + stripped + " (use "
          + String.join(", ", allowed.stream().sorted().toList()) + ")");
      return ResponseEntity.status(405).headers(response.getHeaders()).header(HttpHeaders.ALLOW,
          String.join(", ", allowed)).body(response.getBody());
    }
    if (stripped.startsWith(BASE + "/Groups")) {
      return error(404, null, "Groups are not provisioned to this engine: its roles are granted through access "
          + "requests (see /scim/v2/ResourceTypes, which lists User only)");
    }
    if (stripped.equals(BASE + "/Bulk")) {
      return error(501, null, "bulk operations are not supported (see /scim/v2/ServiceProviderConfig)");
    }
    if (stripped.equals(BASE + "/Me")) {
      return error(501, null, "/Me is not supported: the client is an identity provider, not a user");
    }
    return error(404, null, path + " is not a SCIM endpoint of this service provider");
  }

  /** Who writes: the API credential ({@code api:<id>}) or the configured token's principal, for the audit trail. */
  private static String actor() {
    var authentication = org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication();
    return authentication == null ? ScimSecurity.PRINCIPAL : authentication.getName();
  }

  // ---------------------------------------------------------------- queries

  private ObjectNode search(String filterText, int startIndex, int count, List<String> attributes, List<String> excluded) {
    Filter filter = null;
    if (filterText != null && !filterText.isBlank()) {
      if (filterText.length() > MAX_FILTER) {
        throw new ScimError(400, "invalidFilter", "filter: longer than " + MAX_FILTER + " characters");
      }
      try {
        filter = Filter.fromString(filterText);
      } catch (StackOverflowError e) {
        throw new ScimError(400, "invalidFilter", "filter: nested too deeply");
      } catch (ScimException e) {
        throw new ScimError(400, "invalidFilter", "filter: '" + filterText + "' is not a SCIM filter (" + e.getMessage() + ")");
      }
    }
    int from = Math.max(startIndex, 1) - 1;
    int size = Math.min(Math.max(count, 0), MAX_RESULTS);
    List<ObjectNode> page = new ArrayList<>();
    int total;
    if (filter == null) {
      total = users.count();
      if (size > 0) {
        users.page(from, size).forEach(user -> page.add(project(withLocation(user), attributes, excluded)));
      }
    } else {
      List<ObjectNode> found = users.search(filter);
      total = found.size();
      for (int i = from; i < found.size() && page.size() < size; i++) {
        page.add(project(withLocation(found.get(i)), attributes, excluded));
      }
    }
    return list(page, from + 1, total);
  }

  private ObjectNode list(List<? extends JsonNode> page, int startIndex, int total) {
    ObjectNode list = json.createObjectNode();
    list.putArray("schemas").add(LIST);
    list.put("totalResults", total);
    list.put("startIndex", startIndex);
    list.put("itemsPerPage", page.size());
    ArrayNode resources = list.putArray("Resources");
    page.forEach(resources::add);
    return list;
  }

  private ObjectNode served(ScimUsers.Stored stored) {
    return withLocation(users.served(stored));
  }

  private ObjectNode withLocation(ObjectNode user) {
    ((ObjectNode) user.path("meta")).put("location", baseUrl + BASE + "/Users/" + user.path("id").asText());
    JsonNode manager = user.path(ENTERPRISE).path("manager");
    if (manager.has("$ref")) {
      ((ObjectNode) manager).put("$ref", baseUrl + BASE + "/" + manager.get("$ref").asText());
    }
    return user;
  }

  /**
   * RFC 7644 section 3.9: with {@code attributes}, the resource has only those (and {@code id} and {@code schemas},
   * which are always returned); with {@code excludedAttributes}, all but those.
   */
  private ObjectNode project(ObjectNode user, List<String> attributes, List<String> excluded) {
    if (!attributes.isEmpty()) {
      ObjectNode out = json.createObjectNode();
      out.set("schemas", user.get("schemas"));
      out.set("id", user.get("id"));
      for (String attribute : attributes) {
        copy(user, out, path(attribute));
      }
      return out;
    }
    ObjectNode out = user.deepCopy();
    for (String attribute : excluded) {
      Path path = path(attribute);
      ObjectNode parent = path.getSchemaUrn() == null ? out : (ObjectNode) out.get(path.getSchemaUrn());
      if (parent == null || path.size() == 0) {
        if (path.size() == 0 && path.getSchemaUrn() != null) {
          out.remove(path.getSchemaUrn());
        }
        continue;
      }
      String name = field(parent, path.getElement(0).getAttribute());
      if (name == null || (path.getSchemaUrn() == null && List.of("id", "schemas").contains(name))) {
        continue;
      }
      if (path.size() == 1) {
        parent.remove(name);
      } else if (parent.get(name) instanceof ObjectNode complex) {
        String sub = field(complex, path.getElement(1).getAttribute());
        if (sub != null) {
          complex.remove(sub);
        }
      } else if (parent.get(name) instanceof ArrayNode values) {
        values.forEach(v -> {
          if (v instanceof ObjectNode o) {
            String sub = field(o, path.getElement(1).getAttribute());
            if (sub != null) {
              o.remove(sub);
            }
          }
        });
      }
    }
    return out;
  }

  private void copy(ObjectNode from, ObjectNode to, Path path) {
    ObjectNode source = path.getSchemaUrn() == null ? from : (ObjectNode) from.get(path.getSchemaUrn());
    if (source == null) {
      return;
    }
    ObjectNode target = to;
    if (path.getSchemaUrn() != null) {
      target = to.has(path.getSchemaUrn()) ? (ObjectNode) to.get(path.getSchemaUrn()) : to.putObject(path.getSchemaUrn());
      if (path.size() == 0) {
        target.setAll(source);
        return;
      }
    }
    String name = field(source, path.getElement(0).getAttribute());
    if (name == null) {
      return;
    }
    JsonNode value = source.get(name);
    if (path.size() == 1) {
      target.set(name, value.deepCopy());
    } else if (value instanceof ObjectNode complex) {
      String sub = field(complex, path.getElement(1).getAttribute());
      if (sub != null) {
        ObjectNode part = target.has(name) ? (ObjectNode) target.get(name) : target.putObject(name);
        part.set(sub, complex.get(sub).deepCopy());
      }
    } else if (value instanceof ArrayNode values) {
      ArrayNode part = target.putArray(name);
      for (JsonNode v : values) {
        String sub = v.isObject() ? field((ObjectNode) v, path.getElement(1).getAttribute()) : null;
        if (sub != null) {
          part.addObject().set(sub, v.get(sub).deepCopy());
        }
      }
    }
  }

  /** Attribute names are case-insensitive (RFC 7643 section 2.1). */
  private static String field(ObjectNode node, String attribute) {
    for (var names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (name.equalsIgnoreCase(attribute)) {
        return name;
      }
    }
    return null;
  }

  private static Path path(String attribute) {
    try {
      return Path.fromString(attribute);
    } catch (ScimException | RuntimeException e) {
      throw ScimError.invalidPath(attribute, "is not an attribute path");
    }
  }

  // ---------------------------------------------------------------- request parts

  private JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      throw ScimError.invalidSyntax("body: is required (a JSON object)");
    }
    if (body.length > MAX_BODY) {
      throw new ScimError(413, null, "body: larger than " + MAX_BODY / 1024 + " KB");
    }
    try {
      JsonNode node = json.readTree(body);
      if (node == null || !node.isObject()) {
        throw ScimError.invalidSyntax("body: must be a JSON object");
      }
      refuseControlCharacters(node, "");
      return node;
    } catch (IOException e) {
      throw ScimError.invalidSyntax("body: not valid JSON");
    }
  }

  /** The same rule as every JSON body of the API ({@link org.itgc.platform.web.StrictText}), in SCIM's format. */
  private static void refuseControlCharacters(JsonNode node, String path) {
    if (node.isTextual()) {
      int at = org.itgc.platform.web.StrictText.firstForbidden(node.asText());
      if (at >= 0) {
        throw ScimError.invalidValue(path.isEmpty() ? "body" : path, String.format(java.util.Locale.ROOT,
            "holds the control character U+%04X, which no attribute accepts", (int) node.asText().charAt(at)));
      }
    } else if (node.isObject()) {
      node.fields().forEachRemaining(field -> refuseControlCharacters(field.getValue(),
          path.isEmpty() ? field.getKey() : path + "." + field.getKey()));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        refuseControlCharacters(node.get(i), path + "[" + i + "]");
      }
    }
  }

  private static List<String> names(String value, String parameter) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String name : value.split(",")) {
      if (!name.isBlank()) {
        names.add(name.strip());
      }
    }
    names.forEach(ScimController::path);
    return names;
  }

  private static int number(String value, String parameter, int otherwise) {
    if (value == null || value.isBlank()) {
      return otherwise;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw ScimError.invalidValue(parameter, "'" + value + "' is not an integer");
    }
  }

  private static int integer(JsonNode request, String field, int otherwise) {
    JsonNode value = request.get(field);
    if (value == null || value.isNull()) {
      return otherwise;
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber()) {
      throw ScimError.invalidValue(field, "must be an integer");
    }
    return value.asInt();
  }

  private static String textOrNull(JsonNode request, String field) {
    JsonNode value = request.get(field);
    if (value != null && !value.isNull() && !value.isTextual()) {
      throw ScimError.invalidValue(field, "must be a string");
    }
    return value == null || value.isNull() ? null : value.asText();
  }

  private static List<String> listOf(JsonNode request, String field) {
    JsonNode value = request.get(field);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw ScimError.invalidValue(field, "must be an array of attribute names");
    }
    List<String> names = new ArrayList<>();
    value.forEach(v -> names.add(v.asText()));
    names.forEach(ScimController::path);
    return names;
  }

  private static ResponseEntity<JsonNode> ok(JsonNode body) {
    return ResponseEntity.ok().contentType(SCIM_JSON).body(body);
  }

  // ---------------------------------------------------------------- errors in SCIM's format (RFC 7644 section 3.12)

  @ExceptionHandler(ScimError.class)
  ResponseEntity<Map<String, Object>> scimError(ScimError e) {
    return error(e.status, e.scimType, e.getMessage());
  }

  @ExceptionHandler(org.itgc.platform.web.InvalidInputException.class)
  ResponseEntity<Map<String, Object>> invalid(org.itgc.platform.web.InvalidInputException e) {
    return error(400, "invalidValue", e.getMessage());
  }

  @ExceptionHandler(org.springframework.dao.DuplicateKeyException.class)
  ResponseEntity<Map<String, Object>> duplicate(org.springframework.dao.DuplicateKeyException e) {
    return error(409, "uniqueness", "another request provisioned the same user at the same moment: retry");
  }

  /** Anything unforeseen is still answered in SCIM's format (and logged with its cause for the operator). */
  @ExceptionHandler(Exception.class)
  ResponseEntity<Map<String, Object>> unexpected(Exception e) {
    if (org.itgc.platform.web.DatabaseOutage.isOutage(e)) {
      var outage = error(503, null, org.itgc.platform.web.DatabaseOutage.problem().getDetail());
      return ResponseEntity.status(503).headers(outage.getHeaders()).header("Retry-After",
          String.valueOf(org.itgc.platform.web.DatabaseOutage.RETRY_AFTER_SECONDS)).body(outage.getBody());
    }
    var refused = org.itgc.platform.web.DataRefusals.problem(e);
    if (refused.isPresent()) {
      org.slf4j.LoggerFactory.getLogger(ScimController.class)
          .warn("The database refused a SCIM request's data, which no check caught", e);
      return error(refused.get().getStatus(), refused.get().getStatus() == 409 ? "uniqueness" : "invalidValue",
          refused.get().getDetail());
    }
    org.slf4j.LoggerFactory.getLogger(ScimController.class).error("SCIM request failed", e);
    return error(500, null, "the request could not be carried out; the engine's log has the cause");
  }

  static ResponseEntity<Map<String, Object>> error(int status, String scimType, String detail) {
    return ResponseEntity.status(status).contentType(SCIM_JSON).body(errorBody(status, scimType, detail));
  }

  private static Map<String, Object> errorBody(int status, String scimType, String detail) {
    return org.itgc.platform.web.ErrorAnswers.scimBody(status, scimType, detail);
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
