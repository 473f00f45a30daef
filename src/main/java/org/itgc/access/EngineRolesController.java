package org.itgc.access;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.itgc.platform.Role;
import org.itgc.platform.web.BadRequestException;
import org.itgc.platform.web.FitsColumn;
import org.itgc.security.UserAccount;
import org.itgc.security.UserAccounts;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A security admin's user screens as API: a new login, and its roles, which are asked for through the access process
 * ({@link EngineRoleRequests}), never set directly.
 */
@RestController
class EngineRolesController {

  private final EngineRoleRequests roleRequests;

  EngineRolesController(EngineRoleRequests roleRequests) {
    this.roleRequests = roleRequests;
  }

  record NewUserRequest(
      @NotBlank @Pattern(regexp = "[a-zA-Z0-9][a-zA-Z0-9._-]{1,63}", message = "must be 2-64 letters, digits, dots, dashes or underscores")
          String username,
      @NotBlank @Size(max = 200) String displayName,
      @NotBlank @Email String email,
      @NotNull @Size(max = 1024, message = "must have at most 1024 characters") String password,
      @NotEmpty List<@NotBlank String> roles,
      @FitsColumn(value = "access_request.justification", max = 4000) String reason) {}

  record RolesRequest(@NotNull List<@NotBlank String> roles,
      @FitsColumn(value = "access_request.justification", max = 4000) String reason) {}

  /** A new user: the login exists at once, without roles; its roles are an access request (pending approval). */
  @PostMapping("/api/users")
  @PreAuthorize("hasAuthority('security-admin')")
  ResponseEntity<EngineRoleRequests.CreatedUser> create(@Valid @RequestBody NewUserRequest request,
      Authentication authentication) {
    var created = roleRequests.createUser(new UserAccounts.NewUser(request.username(), request.displayName(),
        request.email(), request.password(), roles(request.roles())), authentication.getName(), groups(authentication),
        request.reason());
    return ResponseEntity.created(URI.create("/api/users/" + created.user().username())).body(created);
  }

  /**
   * Asks for a user's roles to become the given ones: the roles added are an access request, the roles removed a
   * revocation; 202 with both ids (the access request at {@code Location}).
   */
  @PutMapping("/api/users/{username}/roles")
  @PreAuthorize("hasAuthority('security-admin')")
  ResponseEntity<EngineRoleRequests.Outcome> setRoles(@PathVariable String username,
      @Valid @RequestBody RolesRequest request, Authentication authentication) {
    var outcome = roleRequests.change(username, roles(request.roles()), authentication.getName(),
        groups(authentication), request.reason());
    var answer = ResponseEntity.status(HttpStatus.ACCEPTED);
    if (outcome.accessRequestId() != null) {
      answer.location(URI.create("/api/access/requests/" + outcome.accessRequestId()));
    }
    return answer.body(outcome);
  }

  private static List<String> groups(Authentication authentication) {
    return authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList();
  }

  static Set<Role> roles(List<String> names) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      int index = i;
      roles.add(Role.fromGroupId(name).orElseThrow(() -> new BadRequestException("roles[" + index + "]",
          "'" + name + "' is not a role; expected one of " + Role.allowedValues())));
    }
    return roles;
  }
}
