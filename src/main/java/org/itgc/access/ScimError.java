package org.itgc.access;

/**
 * A SCIM request that cannot be carried out, with the HTTP status and the {@code scimType} of RFC 7644 section
 * 3.12; the detail names the attribute at fault. Answered in SCIM's error format by {@link ScimController}.
 */
final class ScimError extends RuntimeException {

  final int status;
  final String scimType;

  ScimError(int status, String scimType, String detail) {
    super(detail);
    this.status = status;
    this.scimType = scimType;
  }

  static ScimError invalidValue(String attribute, String reason) {
    return new ScimError(400, "invalidValue", attribute + ": " + reason);
  }

  static ScimError invalidSyntax(String detail) {
    return new ScimError(400, "invalidSyntax", detail);
  }

  static ScimError invalidPath(String path, String reason) {
    return new ScimError(400, "invalidPath", path + ": " + reason);
  }

  static ScimError mutability(String attribute, String reason) {
    return new ScimError(400, "mutability", attribute + ": " + reason);
  }

  static ScimError uniqueness(String attribute, String reason) {
    return new ScimError(409, "uniqueness", attribute + ": " + reason);
  }

  static ScimError notFound(String what) {
    return new ScimError(404, null, what);
  }

  static ScimError preconditionFailed(String detail) {
    return new ScimError(412, null, detail);
  }
}
