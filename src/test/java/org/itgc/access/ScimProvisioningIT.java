package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.itgc.security.UserAccounts;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * SCIM provisioning as Microsoft Entra ID and Okta perform it, with request bodies shaped as their documentation
 * shows them (Microsoft Learn, "Tutorial: Develop and plan provisioning for a SCIM endpoint" and "Known issues and
 * resolutions with SCIM 2.0 protocol compliance"; Okta, "SCIM 2.0 protocol reference"), and the RFC 7643/7644
 * features a conformance tester walks. Each cycle ends with the registry's identity, manager chain, termination and
 * HR events checked, since the registry, not the SCIM view, is what the access controls read.
 */
@IntegrationTest
class ScimProvisioningIT {

  static final String TOKEN = "demo-scim-token";
  static final String SCIM = "application/scim+json";
  static final String USER = ScimController.USER;
  static final String ENTERPRISE = ScimController.ENTERPRISE;
  static final String PATCH = ScimController.PATCH;

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired UserAccounts accounts;

  Http scim() {
    return Http.bearer(port, TOKEN);
  }

  Http.Response patch(String id, String body) {
    return scim().send("PATCH", "/scim/v2/Users/" + id, SCIM, body);
  }

  static String q(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  Map<String, Object> identity(String id) {
    return jdbc.queryForMap("select * from access_identity where id = ?", id);
  }

  List<String> hrEvents(String identityId) {
    return jdbc.queryForList("select kind from access_hr_event where identity_id = ? order by id", String.class,
        identityId);
  }

  // ---------------------------------------------------------------- Microsoft Entra ID

  @Test
  void anEntraIdCycleEndsWithTheRightIdentityManagerChainTerminationAndRehire() {
    // Test Connection: a random GUID as the matching value; 200 with an empty ListResponse is expected
    var probe = scim().get("/scim/v2/Users?filter=" + q("userName eq \"" + UUID.randomUUID() + "\""));
    assertThat(probe.status()).isEqualTo(200);
    assertThat(probe.contentType()).startsWith(SCIM);
    assertThat(probe.json().get("totalResults").asInt()).isZero();
    assertThat(probe.json().get("Resources")).isEmpty();

    // the manager: matched by userName (none), then created as Entra's create body, with Entra's default mappings
    String managerUpn = "Mia.Manager@contoso.example";
    assertThat(scim().get("/scim/v2/Users?filter=" + q("userName eq \"" + managerUpn + "\"")).json()
        .get("totalResults").asInt()).isZero();
    var manager = scim().send("POST", "/scim/v2/Users", SCIM, entraCreate(managerUpn, "E9801", "Mia", "Manager",
        "Controller", "7b1c0a52-0f3e-4a4e-9d4f-3a3e8c1f0001"));
    assertThat(manager.status()).as(manager.toString()).isEqualTo(201);
    String managerId = manager.json().get("id").asText();
    assertThat(manager.header("Location")).endsWith("/scim/v2/Users/" + managerId);
    assertThat(manager.header("ETag")).isEqualTo(manager.json().at("/meta/version").asText());
    assertThat(manager.json().at("/meta/created").asText()).isNotBlank();
    assertThat(manager.json().at("/meta/lastModified").asText()).isNotBlank();
    assertThat(manager.json().get("userName").asText()).as("kept as sent").isEqualTo(managerUpn);
    assertThat(manager.json().get("externalId").asText()).as("Entra's object id is kept")
        .isEqualTo("7b1c0a52-0f3e-4a4e-9d4f-3a3e8c1f0001");
    assertThat(identity("E9801").get("name")).isEqualTo("Mia Manager");

    // userName is case-insensitive (RFC 7643 section 4.1.1): Entra's re-match finds the user, a twin is refused
    var rematch = scim().get("/scim/v2/Users?filter=" + q("userName eq \"mia.manager@CONTOSO.example\""));
    assertThat(rematch.json().get("totalResults").asInt()).isEqualTo(1);
    assertThat(rematch.json().at("/Resources/0/id").asText()).isEqualTo(managerId);
    var twin = scim().send("POST", "/scim/v2/Users", SCIM, entraCreate("MIA.MANAGER@contoso.example", "E9899", "Mia",
        "Twin", "Controller", UUID.randomUUID().toString()));
    assertThat(twin.status()).isEqualTo(409);
    assertThat(twin.json().get("scimType").asText()).isEqualTo("uniqueness");
    assertThat(scim().get("/scim/v2/Users?filter=" + q("externalId eq \"7b1c0a52-0f3e-4a4e-9d4f-3a3e8c1f0001\""))
        .json().get("totalResults").asInt()).isEqualTo(1);

    String reportUpn = "Rob.Report@contoso.example";
    var report = scim().send("POST", "/scim/v2/Users", SCIM, entraCreate(reportUpn, "E9811", "Rob", "Report",
        "Accounts Payable Clerk", "7b1c0a52-0f3e-4a4e-9d4f-3a3e8c1f0002"));
    assertThat(report.status()).as(report.toString()).isEqualTo(201);
    String reportId = report.json().get("id").asText();
    assertThat(hrEvents("E9811")).containsExactly("joiner");

    // the manager as Entra sends it today: the extension's URN as path, the manager's SCIM id as a bare string
    var managed = patch(reportId, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "Add", "path": \
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": "%s"}]}""".formatted(managerId));
    assertThat(managed.status()).as(managed.toString()).isEqualTo(200);
    assertThat(managed.json().at("/" + escape(ENTERPRISE) + "/manager/value").asText()).isEqualTo(managerId);
    assertThat(managed.json().at("/" + escape(ENTERPRISE) + "/manager/displayName").asText()).isEqualTo("Mia Manager");
    assertThat(identity("E9811").get("manager_id")).as("resolved to the registry's person").isEqualTo("E9801");

    // multi-valued and sub-attribute paths as Entra sends them (capitalised op names)
    var updated = patch(reportId, """
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                    {
                    "op": "Replace",
                    "path": "emails[type eq \\"work\\"].value",
                    "value": "rob.report@contoso.example"
                    },
                    {
                    "op": "Replace",
                    "path": "name.familyName",
                    "value": "Reporter"
                    }
            ]
        }""");
    assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
    assertThat(updated.json().at("/name/familyName").asText()).isEqualTo("Reporter");
    assertThat(updated.json().at("/emails/0/value").asText()).isEqualTo("rob.report@contoso.example");
    assertThat(identity("E9811").get("email")).isEqualTo("rob.report@contoso.example");
    assertThat(updated.header("ETag")).isNotEqualTo(report.header("ETag"));

    // a path-less replace with flat dotted and URN keys (Entra with aadOptscim062020): a new job is a mover
    var moved = patch(reportId, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "value": {
          "title": "Accounts Payable Supervisor", "name.givenName": "Robert",
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Finance Operations"}}]}""");
    assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
    assertThat(moved.json().at("/name/givenName").asText()).isEqualTo("Robert");
    assertThat(identity("E9811").get("job")).isEqualTo("Accounts Payable Supervisor");
    assertThat(hrEvents("E9811")).containsExactly("joiner", "mover");

    // a single-valued change of userName
    var renamed = patch(reportId, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "Replace", "path": "userName", \
        "value": "robert.report@contoso.example"}]}""");
    assertThat(renamed.json().get("userName").asText()).isEqualTo("robert.report@contoso.example");
    assertThat(scim().get("/scim/v2/Users?filter=" + q("userName eq \"Robert.Report@contoso.example\"")).json()
        .get("totalResults").asInt()).isEqualTo(1);

    // the older manager shape (path "manager", an array of references) and its removal
    var older = patch(reportId, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "Add", "path": "manager", \
        "value": [{"$ref": "http://localhost/scim/v2/Users/%s", "value": "%s"}]}]}""".formatted(managerId, managerId));
    assertThat(older.status()).as(older.toString()).isEqualTo(200);
    assertThat(identity("E9811").get("manager_id")).isEqualTo("E9801");
    var unknownManager = patch(reportId, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "Replace", "path": \
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": "no-such-user"}]}""");
    assertThat(unknownManager.status()).isEqualTo(400);
    assertThat(unknownManager.json().get("detail").asText()).contains("manager");
    var removed = patch(reportId, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "Remove", "path": \
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"}]}""");
    assertThat(removed.status()).as(removed.toString()).isEqualTo(200);
    assertThat(identity("E9811").get("manager_id")).isNull();
    patch(reportId, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "Add", "path": \
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": "%s"}]}""".formatted(managerId));

    var baseline = Http.as(port, "sam").post("/api/access/grants/import", "text/csv", """
        employeeId,systemId,entitlementId,grantedAt
        E9811,AP-PAY,AP_CLERK,2024-01-02
        """.getBytes(StandardCharsets.UTF_8));
    assertThat(baseline.status()).as(baseline.toString()).isEqualTo(200);

    // disable as Entra sends it without the compliance flag: a string "False"; a leaver whose access is revoked
    var disabled = patch(reportId, """
          {
            "schemas": [
                "urn:ietf:params:scim:api:messages:2.0:PatchOp"
            ],
            "Operations": [
                {
                    "op": "Replace",
                    "path": "active",
                    "value": "False"
                }
            ]
          }""");
    assertThat(disabled.status()).as(disabled.toString()).isEqualTo(200);
    assertThat(disabled.json().get("active").asBoolean()).isFalse();
    assertThat(identity("E9811").get("status")).isEqualTo("terminated");
    assertThat(identity("E9811").get("termination_date")).isNotNull();
    assertThat(hrEvents("E9811")).containsExactly("joiner", "mover", "leaver");
    assertThat(jdbc.queryForObject("select revocation_id from access_hr_event where identity_id = 'E9811' and kind = 'leaver'",
        String.class)).as("revocation of the grant started").matches("RV-\\d{4}-\\d{5}");
    // another attribute's change does not rehire a terminated person
    patch(reportId, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "Add", "path": "nickName", \
        "value": "Bob"}]}""");
    assertThat(identity("E9811").get("status")).isEqualTo("terminated");

    var enabled = patch(reportId, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "Replace", "path": "active", \
        "value": "True"}]}""");
    assertThat(enabled.json().get("active").asBoolean()).isTrue();
    assertThat(hrEvents("E9811")).containsExactly("joiner", "mover", "leaver", "rehire");
    assertThat(enabled.json().get("nickName").asText()).as("attributes the registry does not map are kept").isEqualTo("Bob");

    // delete: 204, then the RFC's 404s; the registry keeps the person as a terminated leaver
    assertThat(scim().send("DELETE", "/scim/v2/Users/" + reportId, null, null).status()).isEqualTo(204);
    var gone = scim().get("/scim/v2/Users/" + reportId);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.json().get("schemas").get(0).asText()).isEqualTo(ScimController.ERROR);
    assertThat(gone.json().get("status").asText()).isEqualTo("404");
    assertThat(scim().send("DELETE", "/scim/v2/Users/" + reportId, null, null).status()).isEqualTo(404);
    assertThat(patch(reportId, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "Replace", "path": "active", \
        "value": true}]}""").status()).isEqualTo(404);
    assertThat(scim().get("/scim/v2/Users?filter=" + q("userName eq \"robert.report@contoso.example\"")).json()
        .get("totalResults").asInt()).isZero();
    assertThat(identity("E9811").get("status")).isEqualTo("terminated");
    assertThat(hrEvents("E9811")).containsExactly("joiner", "mover", "leaver", "rehire", "leaver");

    // assigned again later: Entra matches (none), creates; the same employee is a rehire, not a new person
    var again = scim().send("POST", "/scim/v2/Users", SCIM, entraCreate("robert.report@contoso.example", "E9811",
        "Robert", "Report", "Accounts Payable Clerk", "7b1c0a52-0f3e-4a4e-9d4f-3a3e8c1f0002"));
    assertThat(again.status()).as(again.toString()).isEqualTo(201);
    assertThat(again.json().get("id").asText()).isNotEqualTo(reportId);
    assertThat(identity("E9811").get("status")).isEqualTo("active");
    assertThat(hrEvents("E9811")).endsWith("rehire");
    assertThat(jdbc.queryForList("select action from audit_event where action like 'scim.user.%' and object_id = ? "
        + "order by id", String.class, reportId)).as("each SCIM write audited, the refused ones not")
        // nine PATCHes changed the user; the older-shape manager PATCH named the same manager and changed nothing
        .containsExactly("scim.user.create", "scim.user.patch", "scim.user.patch", "scim.user.patch", "scim.user.patch",
            "scim.user.patch", "scim.user.patch", "scim.user.patch", "scim.user.patch", "scim.user.patch",
            "scim.user.delete");
    assertThat(jdbc.queryForObject("select actor from audit_event where action = 'scim.user.create' and object_id = ?",
        String.class, reportId)).as("the token's principal").isEqualTo("scim-hr-feed");
  }

  /** Entra's create body (Microsoft Learn's tutorial) with its default enterprise mappings filled in. */
  static String entraCreate(String userName, String employeeNumber, String given, String family, String title,
      String objectId) {
    return """
        {
            "schemas": [
                "urn:ietf:params:scim:schemas:core:2.0:User",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
            "externalId": "%s",
            "userName": "%s",
            "active": true,
            "emails": [{
                "primary": true,
                "type": "work",
                "value": "%s"
            }],
            "meta": {
                "resourceType": "User"
            },
            "name": {
                "formatted": "%s %s",
                "familyName": "%s",
                "givenName": "%s"
            },
            "title": "%s",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                "employeeNumber": "%s",
                "department": "Finance Operations"
            },
            "roles": []
        }""".formatted(objectId, userName, userName.toLowerCase(), given, family, family, given, title, employeeNumber);
  }

  static String escape(String pointer) {
    return pointer.replace("~", "~0").replace("/", "~1");
  }

  // ---------------------------------------------------------------- Okta

  @Test
  void anOktaCycleMatchesByUserNameLinksTheLoginByEmailAndDeactivatesAndReactivates() {
    accounts.create(new UserAccounts.NewUser("okta.tester", "Okta Tester", "test.user@okta.local",
        "Correct-Horse-Battery-Staple-77", Set.of()), "test");
    var exists = scim().get("/scim/v2/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100");
    assertThat(exists.status()).isEqualTo(200);
    assertThat(exists.json().get("totalResults").asInt()).isZero();

    var created = scim().send("POST", "/scim/v2/Users", SCIM, """
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "test.user@okta.local",
            "name": {
                "givenName": "Test",
                "familyName": "User"
            },
            "emails": [{
                "primary": true,
                "value": "test.user@okta.local",
                "type": "work"
            }],
            "displayName": "Test User",
            "locale": "en-US",
            "externalId": "00ujl29u0le5T6Aj10h7",
            "groups": [],
            "password": "1mz050nq",
            "active": true
        }""");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().get("id").asText();
    assertThat(created.body()).as("a password is never stored nor served").doesNotContain("1mz050nq")
        .doesNotContain("password");
    assertThat(created.json().get("externalId").asText()).isEqualTo("00ujl29u0le5T6Aj10h7");
    assertThat(created.json().get("locale").asText()).isEqualTo("en-US");
    Map<String, Object> person = jdbc.queryForMap("select * from access_identity where id = ?", id);
    assertThat(person.get("name")).isEqualTo("Test User");
    assertThat(person.get("user_name")).as("the login whose e-mail is the user name").isEqualTo("okta.tester");
    assertThat(person.get("email")).isEqualTo("test.user@okta.local");
    var duplicate = scim().send("POST", "/scim/v2/Users", SCIM, created.body());
    assertThat(duplicate.status()).isEqualTo(409);

    // Okta always GETs before its PUT; a conditional GET of an unchanged user is 304
    var read = scim().get("/scim/v2/Users/" + id);
    assertThat(read.status()).isEqualTo(200);
    String etag = read.header("ETag");
    assertThat(etag).startsWith("W/\"");
    assertThat(scim().send("GET", "/scim/v2/Users/" + id, null, null, Map.of("If-None-Match", etag)).status())
        .isEqualTo(304);

    var replaced = scim().send("PUT", "/scim/v2/Users/" + id, SCIM, """
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "id": "%s",
            "userName": "test.user@okta.local",
            "name": {
                "givenName": "Another",
                "middleName": "Excited",
                "familyName": "User"
            },
            "emails": [{
                "primary": true,
                "value": "test.user@okta.local",
                "type": "work",
                "display": "test.user@okta.local"
            }],
            "active": true,
            "groups": [],
            "meta": {
                "resourceType": "User"
            }
        }""".formatted(id), Map.of("If-Match", etag));
    assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
    assertThat(replaced.json().at("/name/middleName").asText()).isEqualTo("Excited");
    assertThat(replaced.json().has("displayName")).as("PUT replaces: what was not sent is gone").isFalse();
    assertThat(identity(id).get("name")).isEqualTo("Another User");
    var stale = scim().send("PUT", "/scim/v2/Users/" + id, SCIM, replaced.body(), Map.of("If-Match", etag));
    assertThat(stale.status()).as("a stale version is refused").isEqualTo(412);
    assertThat(stale.json().get("schemas").get(0).asText()).isEqualTo(ScimController.ERROR);

    var deactivated = patch(id, """
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{
                "op": "replace",
                "value": {
                    "active": false
                }
            }]
        }""");
    assertThat(deactivated.status()).as(deactivated.toString()).isEqualTo(200);
    assertThat(deactivated.json().get("active").asBoolean()).isFalse();
    assertThat(identity(id).get("status")).isEqualTo("terminated");
    assertThat(hrEvents(id)).containsExactly("joiner", "leaver");

    var reactivated = patch(id, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "value": {"active": true}}]}""");
    assertThat(reactivated.json().get("active").asBoolean()).isTrue();
    assertThat(identity(id).get("status")).isEqualTo("active");
    assertThat(hrEvents(id)).containsExactly("joiner", "leaver", "rehire");

    // Okta's import pages with startIndex and count, in creation order
    int total = jdbc.queryForObject("select count(*) from scim_user where deleted_at is null", Integer.class);
    List<String> inOrder = jdbc.queryForList("select id from scim_user where deleted_at is null order by created_at, id",
        String.class);
    var page = scim().get("/scim/v2/Users?startIndex=1&count=2");
    assertThat(page.json().get("itemsPerPage").asInt()).isEqualTo(2);
    assertThat(page.json().get("totalResults").asInt()).isEqualTo(total);
    assertThat(List.of(page.json().at("/Resources/0/id").asText(), page.json().at("/Resources/1/id").asText()))
        .isEqualTo(inOrder.subList(0, 2));
    var last = scim().get("/scim/v2/Users?startIndex=" + total + "&count=100");
    assertThat(last.json().get("Resources")).hasSize(1);
    assertThat(last.json().at("/Resources/0/id").asText()).isEqualTo(inOrder.get(total - 1));
    assertThat(last.json().get("startIndex").asInt()).isEqualTo(total);
    var none = scim().get("/scim/v2/Users?count=0&startIndex=0").json();
    assertThat(none.get("totalResults").asInt()).as("count=0 asks for the total only").isEqualTo(total);
    assertThat(none.get("Resources")).isEmpty();
    assertThat(none.get("startIndex").asInt()).as("startIndex below 1 is 1").isEqualTo(1);
  }

  // ---------------------------------------------------------------- RFC 7643/7644 features

  @Test
  void discoveryDeclaresWhatIsSupportedAndWhatIsNot() {
    JsonNode config = scim().get("/scim/v2/ServiceProviderConfig").json();
    assertThat(config.get("schemas").get(0).asText()).isEqualTo("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig");
    assertThat(config.at("/patch/supported").asBoolean()).isTrue();
    assertThat(config.at("/filter/supported").asBoolean()).isTrue();
    assertThat(config.at("/filter/maxResults").asInt()).isEqualTo(ScimController.MAX_RESULTS);
    assertThat(config.at("/etag/supported").asBoolean()).isTrue();
    assertThat(config.at("/bulk/supported").asBoolean()).isFalse();
    assertThat(config.at("/sort/supported").asBoolean()).isFalse();
    assertThat(config.at("/changePassword/supported").asBoolean()).isFalse();
    assertThat(config.at("/authenticationSchemes/0/type").asText()).isEqualTo("oauthbearertoken");
    assertThat(config.get("schemas").toString()).contains(ScimDiscovery.SUPPORT);
    assertThat(config.get(ScimDiscovery.SUPPORT).at("/groups/supported").asBoolean(true)).as("Groups declared unsupported")
        .isFalse();

    JsonNode schemas = scim().get("/scim/v2/Schemas").json();
    List<String> ids = new ArrayList<>();
    schemas.get("Resources").forEach(s -> ids.add(s.get("id").asText()));
    assertThat(ids).containsExactlyInAnyOrder(USER, ENTERPRISE, ScimController.HR);
    JsonNode user = scim().get("/scim/v2/Schemas/" + USER).json();
    assertThat(user.get("attributes").toString()).contains("\"name\":\"userName\"");
    assertThat(scim().get("/scim/v2/Schemas/urn:nothing").status()).isEqualTo(404);

    JsonNode types = scim().get("/scim/v2/ResourceTypes").json();
    assertThat(types.get("totalResults").asInt()).as("Users only: Groups are not provisioned here").isEqualTo(1);
    assertThat(types.at("/Resources/0/endpoint").asText()).isEqualTo("/Users");
    assertThat(types.at("/Resources/0/schemaExtensions/0/schema").asText()).isEqualTo(ENTERPRISE);
    assertThat(scim().get("/scim/v2/ResourceTypes/User").json().get("name").asText()).isEqualTo("User");
    assertThat(scim().get("/scim/v2/ResourceTypes/Group").status()).isEqualTo(404);
  }

  @Test
  void everyErrorUnderScimIsAScimErrorNamingWhatIsWrong() {
    var groups = scim().get("/scim/v2/Groups");
    assertThat(groups.status()).isEqualTo(404);
    assertThat(groups.contentType()).startsWith(SCIM);
    assertThat(groups.json().get("detail").asText()).contains("Groups");
    var nowhere = scim().get("/scim/v2/Nothing/here");
    assertThat(nowhere.status()).isEqualTo(404);
    assertThat(nowhere.json().get("schemas").get(0).asText()).isEqualTo(ScimController.ERROR);
    var wrongMethod = scim().send("DELETE", "/scim/v2/Users", null, null);
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.json().get("status").asText()).isEqualTo("405");
    assertThat(scim().send("POST", "/scim/v2/Bulk", SCIM, "{}").status()).isEqualTo(501);

    var badFilter = scim().get("/scim/v2/Users?filter=" + q("userName eq"));
    assertThat(badFilter.status()).isEqualTo(400);
    assertThat(badFilter.json().get("scimType").asText()).isEqualTo("invalidFilter");
    var badCount = scim().get("/scim/v2/Users?count=many");
    assertThat(badCount.status()).isEqualTo(400);
    assertThat(badCount.json().get("detail").asText()).contains("count");
    var broken = scim().send("POST", "/scim/v2/Users", SCIM, "{\"schemas\": [");
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.json().get("scimType").asText()).isEqualTo("invalidSyntax");
    var noUserName = scim().send("POST", "/scim/v2/Users", SCIM, Http.json(Map.of("schemas", List.of(USER),
        "displayName", "Nobody")));
    assertThat(noUserName.status()).isEqualTo(400);
    assertThat(noUserName.json().get("detail").asText()).startsWith("userName");
    var notAUser = scim().send("POST", "/scim/v2/Users", SCIM, Http.json(Map.of("schemas", List.of("urn:x"),
        "userName", "x")));
    assertThat(notAUser.status()).isEqualTo(400);
    assertThat(notAUser.json().get("detail").asText()).startsWith("schemas");

    String id = scim().send("POST", "/scim/v2/Users", SCIM, Http.json(Map.of("schemas", List.of(USER),
        "userName", "err.case"))).json().get("id").asText();
    var badOp = patch(id, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "move", "path": "title", "value": "x"}]}""");
    assertThat(badOp.status()).isEqualTo(400);
    assertThat(badOp.json().get("detail").asText()).startsWith("Operations[0].op");
    var badActive = patch(id, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "path": "active", "value": "no"}]}""");
    assertThat(badActive.status()).isEqualTo(400);
    assertThat(badActive.json().get("detail").asText()).startsWith("active");
    var badPath = patch(id, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "path": "emails[type eq", "value": "x"}]}""");
    assertThat(badPath.status()).isEqualTo(400);
    assertThat(badPath.json().get("scimType").asText()).isEqualTo("invalidPath");
    var removeWithoutPath = patch(id, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "remove"}]}""");
    assertThat(removeWithoutPath.status()).isEqualTo(400);
    assertThat(removeWithoutPath.json().get("scimType").asText()).isEqualTo("noTarget");
    var addNothing = patch(id, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "add", "path": "title", "value": null}]}""");
    assertThat(addNothing.status()).isEqualTo(400);
    assertThat(addNothing.json().get("detail").asText()).startsWith("Operations[0].value");
    var tooLong = patch(id, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "add", "path": "title", "value": "%s"}]}"""
        .formatted("x".repeat(300)));
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.json().get("detail").asText()).startsWith("title");
    var deep = scim().send("POST", "/scim/v2/Users/.search", SCIM, Http.json(Map.of("schemas",
        List.of(ScimController.SEARCH), "filter", "not(".repeat(3000) + "userName eq \"x\"" + ")".repeat(3000))));
    assertThat(deep.status()).isEqualTo(400);
    assertThat(deep.json().get("scimType").asText()).isEqualTo("invalidFilter");
    var nested = scim().send("POST", "/scim/v2/Users/.search", SCIM, Http.json(Map.of("schemas",
        List.of(ScimController.SEARCH), "filter", "not(".repeat(400) + "userName eq \"x\"" + ")".repeat(400))));
    assertThat(nested.status()).as(nested.toString()).isIn(200, 400);
    var huge = scim().send("POST", "/scim/v2/Users", SCIM, Http.json(Map.of("schemas", List.of(USER), "userName", "huge",
        "nickName", "n", "profileUrl", "x".repeat(300_000))));
    assertThat(huge.status()).isEqualTo(413);
    assertThat(huge.json().get("schemas").get(0).asText()).isEqualTo(ScimController.ERROR);
    var badDate = patch(id, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "add", \
        "path": "urn:itgc:params:scim:schemas:extension:hr:1.0:User:hireDate", "value": "yesterday"}]}""");
    assertThat(badDate.status()).isEqualTo(400);
    assertThat(badDate.json().get("detail").asText()).contains("hireDate");
    assertThat(scim().get("/scim/v2/Users/" + id).json().has(ScimController.HR)).as("nothing stored").isFalse();
    assertThat(scim().get("/scim/v2/Users/no-such-id").status()).isEqualTo(404);
  }

  @Test
  void filtersProjectionsSearchAndRemoveWorkAsTheRfcSays() {
    String id = scim().send("POST", "/scim/v2/Users", SCIM, """
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "Filter.Person@example.org",
         "externalId": "ext-Filter-1", "name": {"givenName": "Filter", "familyName": "Person"}, "title": "Analyst",
         "phoneNumbers": [{"type": "work", "value": "+1 555 0100"}, {"type": "mobile", "value": "+1 555 0199"}],
         "emails": [{"type": "work", "value": "filter.person@example.org", "primary": "True"}]}""").json()
        .get("id").asText();

    var complex = scim().get("/scim/v2/Users?filter=" + q("title eq \"Analyst\" and emails[type eq \"work\" and value co \"filter.person\"]"));
    assertThat(complex.json().get("totalResults").asInt()).isEqualTo(1);
    assertThat(complex.json().at("/Resources/0/emails/0/primary").asBoolean()).as("string boolean made boolean").isTrue();
    assertThat(scim().get("/scim/v2/Users?filter=" + q("userName sw \"filter.\"")).json().get("totalResults").asInt())
        .isEqualTo(1);
    assertThat(scim().get("/scim/v2/Users?filter=" + q("externalId eq \"ext-filter-1\"")).json().get("totalResults")
        .asInt()).as("externalId is case-exact").isZero();

    var only = scim().get("/scim/v2/Users/" + id + "?attributes=userName,name.familyName").json();
    assertThat(only.get("id").asText()).isEqualTo(id);
    assertThat(only.get("userName").asText()).isEqualTo("Filter.Person@example.org");
    assertThat(only.at("/name/familyName").asText()).isEqualTo("Person");
    assertThat(only.at("/name/givenName").isMissingNode()).isTrue();
    assertThat(only.has("title")).isFalse();
    var without = scim().get("/scim/v2/Users/" + id + "?excludedAttributes=phoneNumbers,meta").json();
    assertThat(without.has("phoneNumbers")).isFalse();
    assertThat(without.has("meta")).isFalse();
    assertThat(without.get("title").asText()).isEqualTo("Analyst");

    var search = scim().send("POST", "/scim/v2/Users/.search", SCIM, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "attributes": ["userName"],
         "filter": "userName eq \\"filter.person@example.org\\"", "startIndex": 1, "count": 10}""");
    assertThat(search.status()).as(search.toString()).isEqualTo(200);
    assertThat(search.json().get("totalResults").asInt()).isEqualTo(1);
    assertThat(search.json().at("/Resources/0/title").isMissingNode()).isTrue();

    var removed = patch(id, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
          {"op": "remove", "path": "phoneNumbers[type eq \\"mobile\\"]"},
          {"op": "replace", "path": "externalId", "value": "ext-Filter-2"},
          {"op": "replace", "path": "name", "value": {"givenName": "Phil", "familyName": "Person"}}]}""");
    assertThat(removed.status()).as(removed.toString()).isEqualTo(200);
    assertThat(removed.json().get("phoneNumbers")).hasSize(1);
    assertThat(removed.json().at("/phoneNumbers/0/type").asText()).isEqualTo("work");
    assertThat(removed.json().get("externalId").asText()).isEqualTo("ext-Filter-2");
    assertThat(identity(id).get("name")).isEqualTo("Phil Person");
    assertThat(scim().get("/scim/v2/Users?filter=" + q("externalId eq \"ext-Filter-2\"")).json().get("totalResults")
        .asInt()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- what an identity provider may not do

  @Test
  void scimTakesOverNeitherServiceIdentitiesNorAdministratorsLoginsNorAnotherPersonsLogin() {
    var service = scim().send("POST", "/scim/v2/Users", SCIM, Http.json(Map.of("schemas", List.of(USER, ENTERPRISE),
        "userName", "batch@evil.example", ENTERPRISE, Map.of("employeeNumber", "SVC-AP-BATCH"))));
    assertThat(service.status()).isEqualTo(409);
    assertThat(service.json().get("detail").asText()).contains("employeeNumber").contains("service");
    assertThat(identity("SVC-AP-BATCH").get("kind")).isEqualTo("service");

    accounts.create(new UserAccounts.NewUser("scim.root", "Root Admin", "root@corp.example",
        "Correct-Horse-Battery-Staple-77", Set.of(org.itgc.platform.Role.ENGINE_ADMIN)), "test");
    String root = scim().send("POST", "/scim/v2/Users", SCIM, Http.json(Map.of("schemas", List.of(USER),
        "userName", "root@corp.example"))).json().get("id").asText();
    assertThat(identity(root).get("user_name")).as("an administrator's login is never bound by SCIM").isNull();
    String byName = scim().send("POST", "/scim/v2/Users", SCIM, Http.json(Map.of("schemas", List.of(USER),
        "userName", "Scim.Root"))).json().get("id").asText();
    assertThat(identity(byName).get("user_name")).isNull();
    String other = scim().send("POST", "/scim/v2/Users", SCIM, Http.json(Map.of("schemas", List.of(USER),
        "userName", "rachel@demo.itgc.local"))).json().get("id").asText();
    assertThat(identity(other).get("user_name")).as("rachel's login belongs to E1001").isNull();
    assertThat(identity("E1001").get("user_name")).isEqualTo("rachel");

    // a binding once made is not moved by renaming the SCIM user
    String bound = scim().send("POST", "/scim/v2/Users", SCIM, Http.json(Map.of("schemas", List.of(USER),
        "userName", "bound.person"))).json().get("id").asText();
    assertThat(identity(bound).get("user_name")).isEqualTo("bound.person");
    patch(bound, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "path": "userName", "value": "moved.person"}]}""");
    assertThat(identity(bound).get("user_name")).isEqualTo("bound.person");

    // an employee id is fixed once the user exists
    var renumber = patch(bound, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "add", \
        "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "value": "E1011"}]}""");
    assertThat(renumber.status()).isEqualTo(400);
    assertThat(renumber.json().get("scimType").asText()).isEqualTo("mutability");

    // a manager chain without cycles
    String a = scim().send("POST", "/scim/v2/Users", SCIM, Http.json(Map.of("schemas", List.of(USER), "userName", "cycle.a")))
        .json().get("id").asText();
    String b = scim().send("POST", "/scim/v2/Users", SCIM, Http.json(Map.of("schemas", List.of(USER, ENTERPRISE),
        "userName", "cycle.b", ENTERPRISE, Map.of("manager", Map.of("value", a))))).json().get("id").asText();
    var cycle = patch(a, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "add", \
        "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": "%s"}]}""".formatted(b));
    assertThat(cycle.status()).isEqualTo(400);
    assertThat(cycle.json().get("detail").asText()).contains("manager").contains("cycle");
  }

  @Test
  void anHrPersonAdoptedBySCimKeepsHrFactsAndAnHrTerminationIsNotReversedByTheIdentityProvider() {
    var imported = Http.as(port, "sam").post("/api/access/identities/import", "text/csv", """
        employeeId,name,email,managerId,department,job,status,hireDate,terminationDate,userName
        E9851,Hana Hr,hana@demo.itgc.local,E1007,Finance Operations,Accounts Payable Clerk,active,2024-01-01,,
        """.getBytes(StandardCharsets.UTF_8));
    assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
    // Okta's profile: no title, no manager; the person is adopted by employeeNumber
    var adopted = scim().send("POST", "/scim/v2/Users", SCIM, Http.json(Map.of("schemas", List.of(USER, ENTERPRISE),
        "userName", "hana@okta.example", "name", Map.of("givenName", "Hana", "familyName", "Hr"), "active", true,
        ENTERPRISE, Map.of("employeeNumber", "E9851"))));
    assertThat(adopted.status()).as(adopted.toString()).isEqualTo(201);
    String id = adopted.json().get("id").asText();
    assertThat(identity("E9851").get("job")).as("HR's job is kept").isEqualTo("Accounts Payable Clerk");
    assertThat(identity("E9851").get("manager_id")).as("HR's manager is kept").isEqualTo("E1007");
    assertThat(hrEvents("E9851")).containsExactly("joiner");
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'scim.user.adopt' and object_id = ?",
        Integer.class, id)).isEqualTo(1);

    // HR terminates the person; the SCIM view and its ETag follow the registry
    String before = scim().get("/scim/v2/Users/" + id).header("ETag");
    var terminated = Http.as(port, "sam").post("/api/access/identities/import", "text/csv", """
        employeeId,name,email,managerId,department,job,status,hireDate,terminationDate,userName
        E9851,Hana Hr,hana@demo.itgc.local,E1007,Finance Operations,Accounts Payable Clerk,terminated,2024-01-01,2026-01-05,
        """.getBytes(StandardCharsets.UTF_8));
    assertThat(terminated.status()).isEqualTo(200);
    var after = scim().send("GET", "/scim/v2/Users/" + id, null, null, Map.of("If-None-Match", before));
    assertThat(after.status()).as("the representation changed: no 304").isEqualTo(200);
    assertThat(after.json().get("active").asBoolean()).isFalse();
    assertThat(after.header("ETag")).isNotEqualTo(before);

    // Okta's next PUT still says active: the termination stands, and the refusal is audited
    var put = scim().send("PUT", "/scim/v2/Users/" + id, SCIM, Http.json(Map.of("schemas", List.of(USER),
        "userName", "hana@okta.example", "name", Map.of("givenName", "Hana", "familyName", "Hr"), "active", true)),
        Map.of("If-Match", before));
    assertThat(put.status()).as("the old ETag no longer matches").isEqualTo(412);
    put = scim().send("PUT", "/scim/v2/Users/" + id, SCIM, Http.json(Map.of("schemas", List.of(USER),
        "userName", "hana@okta.example", "name", Map.of("givenName", "Hana", "familyName", "Hr"), "active", true)));
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.json().get("active").asBoolean()).isFalse();
    assertThat(identity("E9851").get("status")).isEqualTo("terminated");
    assertThat(hrEvents("E9851")).containsExactly("joiner", "leaver");
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'scim.user.reactivation-refused' "
        + "and object_id = 'E9851' and outcome = 'DENIED'", Integer.class)).isEqualTo(1);
  }

  @Test
  void aSecondDeactivationIsDatedTodayNotToAnEarlierTerminationAndAttributeNamesIgnoreCase() {
    var created = scim().send("POST", "/scim/v2/Users", SCIM, """
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "UserName": "Case.Person", "Title": "Clerk",
         "Active": "true"}""");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().get("id").asText();
    assertThat(created.json().get("userName").asText()).isEqualTo("Case.Person");
    assertThat(identity(id).get("job")).isEqualTo("Clerk");
    assertThat(scim().get("/scim/v2/Users?filter=" + q("UserName eq \"case.person\"")).json().get("totalResults")
        .asInt()).isEqualTo(1);

    var first = patch(id, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
          {"op": "Replace", "path": "Active", "value": false},
          {"op": "add", "path": "urn:itgc:params:scim:schemas:extension:hr:1.0:User:terminationDate", "value": "2026-01-05"}]}""");
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    assertThat(identity(id).get("status")).as("a mixed-case path deactivates").isEqualTo("terminated");
    assertThat(identity(id).get("termination_date").toString()).isEqualTo("2026-01-05");
    patch(id, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "value": {"active": true}}]}""");
    assertThat(identity(id).get("status")).isEqualTo("active");
    patch(id, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "value": {"active": false}}]}""");
    java.time.LocalDate today = org.itgc.support.TestClock.today(java.time.ZoneId.of("America/New_York"));
    assertThat(identity(id).get("termination_date").toString()).as("dated today, not back to the first termination")
        .isIn(today.toString(), today.minusDays(1).toString(), today.plusDays(1).toString());
    assertThat(jdbc.queryForList("select kind from access_hr_event where identity_id = ? order by id", String.class, id))
        .containsExactly("joiner", "leaver", "rehire", "leaver");

    var nullTitle = patch(id, """
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "path": "title", "value": null}]}""");
    assertThat(nullTitle.status()).as("replacing with null removes").isEqualTo(200);
    assertThat(nullTitle.json().has("title")).isFalse();
    assertThat(identity(id).get("job")).isNull();
  }
}
