package org.itgc.access;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.types.AttributeDefinition;
import com.unboundid.scim2.common.types.AttributeDefinition.Mutability;
import com.unboundid.scim2.common.types.AttributeDefinition.Type;
import com.unboundid.scim2.common.types.AuthenticationScheme;
import com.unboundid.scim2.common.types.BulkConfig;
import com.unboundid.scim2.common.types.ChangePasswordConfig;
import com.unboundid.scim2.common.types.ETagConfig;
import com.unboundid.scim2.common.types.EnterpriseUserExtension;
import com.unboundid.scim2.common.types.FilterConfig;
import com.unboundid.scim2.common.types.PatchConfig;
import com.unboundid.scim2.common.types.ResourceTypeResource;
import com.unboundid.scim2.common.types.SchemaResource;
import com.unboundid.scim2.common.types.ServiceProviderConfigResource;
import com.unboundid.scim2.common.types.SortConfig;
import com.unboundid.scim2.common.types.UserResource;
import com.unboundid.scim2.common.utils.JsonUtils;
import com.unboundid.scim2.common.utils.SchemaUtils;
import java.beans.IntrospectionException;
import java.net.URI;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * What a SCIM client discovers (RFC 7644 section 4): the features this service provider supports and those it
 * declares unsupported (bulk, sorting, password change; Users only, no Groups), the schemas of Users (RFC 7643's core
 * and enterprise schemas as Ping Identity's SDK defines them, and this engine's HR extension), and the User resource
 * type.
 */
@Component
class ScimDiscovery {

  /** This engine's extension of the service provider configuration: which resource types it serves. */
  static final String SUPPORT = "urn:itgc:params:scim:schemas:extension:support:1.0:ServiceProviderConfig";

  ObjectNode serviceProviderConfig(String base) {
    ServiceProviderConfigResource config = new ServiceProviderConfigResource(null, new PatchConfig(true),
        new BulkConfig(false, 0, 0), new FilterConfig(true, ScimController.MAX_RESULTS), new ChangePasswordConfig(false),
        new SortConfig(false), new ETagConfig(true), List.of(new AuthenticationScheme("OAuth Bearer Token",
            "A bearer token: an API credential of scope scim issued by a security admin, or ITGC_ACCESS_SCIM_TOKEN",
            URI.create("https://www.rfc-editor.org/rfc/rfc6750"), null, "oauthbearertoken", true)));
    ObjectNode node = withMeta(JsonUtils.valueToNode(config), "ServiceProviderConfig", base + "/ServiceProviderConfig");
    // RFC 7643 has no field for the resource types served; this extension says so for Groups (ResourceTypes lists
    // User only): the engine's roles are granted through access requests, not pushed as groups
    node.withArray("schemas").add(SUPPORT);
    ObjectNode support = node.putObject(SUPPORT);
    support.putObject("groups").put("supported", false)
        .put("reason", "roles of this engine are granted through access requests, not provisioned as SCIM groups");
    support.putObject("users").put("supported", true);
    return node;
  }

  List<ObjectNode> schemas(String base) {
    try {
      SchemaResource user = SchemaUtils.getSchema(UserResource.class);
      SchemaResource enterprise = SchemaUtils.getSchema(EnterpriseUserExtension.class);
      SchemaResource hr = new SchemaResource(ScimUsers.HR, "HR", "This engine's HR dates of a person",
          List.of(date("hireDate", "The first day of employment"),
              date("terminationDate", "The last day of employment: a leaver's access is revoked within its SLA")));
      return List.of(user, enterprise, hr).stream()
          .map(s -> withMeta(JsonUtils.valueToNode(s), "Schema", base + "/Schemas/" + s.getId())).toList();
    } catch (IntrospectionException e) {
      throw new IllegalStateException("the SCIM SDK's schema classes cannot be read", e);
    }
  }

  ObjectNode userResourceType(String base) {
    ResourceTypeResource type = new ResourceTypeResource("User", "User", "A person from the identity provider or HR",
        URI.create("/Users"), URI.create(ScimUsers.USER), List.of(
            new ResourceTypeResource.SchemaExtension(URI.create(ScimUsers.ENTERPRISE), false),
            new ResourceTypeResource.SchemaExtension(URI.create(ScimUsers.HR), false)));
    return withMeta(JsonUtils.valueToNode(type), "ResourceType", base + "/ResourceTypes/User");
  }

  private static AttributeDefinition date(String name, String description) {
    return new AttributeDefinition.Builder().setName(name).setType(Type.STRING).setDescription(description + " (yyyy-mm-dd)")
        .setMutability(Mutability.READ_WRITE).build();
  }

  private static ObjectNode withMeta(ObjectNode node, String resourceType, String location) {
    ObjectNode meta = node.putObject("meta");
    meta.put("resourceType", resourceType);
    meta.put("location", location);
    return node;
  }
}
