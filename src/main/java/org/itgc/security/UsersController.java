package org.itgc.security;

import org.itgc.platform.Role;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.security.Principal;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.web.BadRequestException;
import org.itgc.platform.web.NotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Engine users and their roles, managed by {@code security-admin}; nobody changes their own roles. */
@RestController
class UsersController {

  private final UserAccounts accounts;
  private final AuditRecorder audit;
  private final PasswordPolicy passwordPolicy;

  private final Mfa mfa;
  private final org.itgc.systems.SystemsInventory systems;
  private final ApiCredentials credentials;

  private final RoleChanges roleChanges;

  UsersController(UserAccounts accounts, AuditRecorder audit, PasswordPolicy passwordPolicy, Mfa mfa,
      org.itgc.systems.SystemsInventory systems, ApiCredentials credentials, RoleChanges roleChanges) {
    this.credentials = credentials;
    this.roleChanges = roleChanges;
    this.accounts = accounts;
    this.audit = audit;
    this.passwordPolicy = passwordPolicy;
    this.mfa = mfa;
    this.systems = systems;
  }

  /**
   * Evidence for control IA-01: every engine user with their second factor (enrolled or not), last login, lock and
   * roles; and each financial system's MFA flag from the systems inventory.
   */
  @GetMapping("/api/security/mfa-coverage")
  @PreAuthorize("hasAnyAuthority('security-admin', 'auditor', 'engine-admin')")
  Map<String, Object> mfaCoverage() {
    var users = mfa.coverage();
    long enrolled = users.stream().filter(u -> Boolean.TRUE.equals(u.get("mfa_enrolled"))).count();
    audit.record(AuditEvent.of("security.mfa-coverage.read", "report", "mfa-coverage").detail("users", users.size()).build());
    return Map.of("users", users, "enrolled", enrolled, "total", users.size(),
        "systems", systems.all().stream().map(s -> Map.of("id", s.id(), "name", s.name(), "tier", s.tier().value(),
            "mfaEnforced", s.mfaEnforced())).toList());
  }

  /** Removes a user's second factor: they enrol again at their next login. A security admin's act, never on oneself. */
  @PostMapping("/api/users/{username}/mfa/reset")
  @PreAuthorize("hasAuthority('security-admin')")
  Map<String, String> resetMfa(@PathVariable String username, Principal principal) {
    mfa.reset(username, principal.getName());
    return Map.of("username", username, "mfa", "reset: enrolment at the next login");
  }

  record PasswordChange(String currentPassword, String newPassword) {}

  /** Changes the caller's own password: the current one, then a new one that meets the policy and its history. */
  @PostMapping("/api/me/password")
  Map<String, String> changePassword(@RequestBody PasswordChange change, Principal principal) {
    if (change == null) {
      throw new BadRequestException("body", "is required: {currentPassword, newPassword}");
    }
    if (principal.getName().startsWith(ApiCredentialFilter.PREFIX)) {
      throw new AccessDeniedException("an API credential has no password");
    }
    accounts.changePassword(principal.getName(), change.currentPassword(), change.newPassword());
    return Map.of("username", principal.getName(), "password", "changed");
  }

  record CredentialRequest(@org.itgc.platform.web.FitsColumn("api_credential.name") String name, List<String> scopes,
      java.time.Instant expiresAt) {}

  /** Issues a credential for a machine; the token is in this answer only. */
  @PostMapping("/api/security/credentials")
  @ResponseStatus(HttpStatus.CREATED)
  @PreAuthorize("hasAuthority('security-admin')")
  Map<String, Object> issueCredential(@jakarta.validation.Valid @RequestBody CredentialRequest request, Principal principal) {
    if (request == null) {
      throw new BadRequestException("body", "is required: {name, scopes, expiresAt}");
    }
    return credentials.issue(request.name(), request.scopes(), request.expiresAt(), principal.getName());
  }

  @GetMapping("/api/security/credentials")
  @PreAuthorize("hasAnyAuthority('security-admin', 'auditor')")
  Map<String, Object> credentials() {
    return Map.of("credentials", credentials.list(), "scopes", ApiCredentials.SCOPES.values().stream()
        .map(s -> Map.of("id", s.id(), "description", s.description(), "role", s.authority())).toList());
  }

  @PostMapping("/api/security/credentials/{id}/revoke")
  @PreAuthorize("hasAuthority('security-admin')")
  Map<String, String> revokeCredential(@PathVariable String id, Principal principal) {
    credentials.revoke(id, principal.getName());
    return Map.of("id", id, "status", "revoked");
  }

  /** Lifts a lockout. */
  @PostMapping("/api/users/{username}/unlock")
  @PreAuthorize("hasAuthority('security-admin')")
  Map<String, String> unlock(@PathVariable String username, Principal principal) {
    mfa.unlock(username, principal.getName());
    return Map.of("username", username, "status", "unlocked");
  }

  /** Enables a login again (a leaver's login is disabled when their last engine role is removed); never one's own. */
  @PostMapping("/api/users/{username}/enable")
  @PreAuthorize("hasAuthority('security-admin')")
  Map<String, String> enable(@PathVariable String username, Principal principal) {
    if (username.equals(principal.getName())) {
      throw new org.springframework.security.access.AccessDeniedException("nobody enables their own login");
    }
    accounts.setEnabled(username, true, principal.getName(), "enabled by a security administrator");
    return Map.of("username", username, "status", "enabled");
  }

  record PolicyView(String preset, PasswordPolicy.Rules rules, int blocklistEntries) {}

  /** The effective password policy, for auditors to test against the company's written policy. */
  @GetMapping("/api/security/password-policy")
  @PreAuthorize("hasAnyAuthority('security-admin', 'auditor', 'engine-admin')")
  PolicyView passwordPolicy() {
    return new PolicyView(passwordPolicy.preset(), passwordPolicy.rules(), passwordPolicy.blocklistSize());
  }

  /** The CSRF token of the browser session, for the application's own pages that call the API (the worklist). */
  @GetMapping("/api/security/csrf")
  Map<String, String> csrf(org.springframework.security.web.csrf.CsrfToken token) {
    return Map.of("headerName", token.getHeaderName(), "token", token.getToken());
  }

  record NewUserRequest(
      @NotBlank @Pattern(regexp = "[a-zA-Z0-9][a-zA-Z0-9._-]{1,63}", message = "must be 2-64 letters, digits, dots, dashes or underscores")
          String username,
      @NotBlank @Size(max = 200) String displayName,
      @NotBlank @Email String email,
      @NotNull @Size(max = 1024, message = "must have at most 1024 characters") String password,
      @NotEmpty List<@NotBlank String> roles) {}

  record RolesRequest(@NotNull List<@NotBlank String> roles,
      @org.itgc.platform.web.FitsColumn(value = "role_change.reason", max = 4000) String reason) {}

  record Me(String username, List<String> roles) {}

  @GetMapping("/api/me")
  Me me(Authentication authentication) {
    return new Me(authentication.getName(),
        authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).sorted().toList());
  }

  @GetMapping("/api/users")
  @PreAuthorize("hasAnyAuthority('security-admin', 'engine-admin', 'auditor')")
  List<UserAccount> list() {
    audit.record(AuditEvent.of("user.list", "user", "*").build());
    return accounts.all();
  }

  @GetMapping("/api/users/{username}")
  @PreAuthorize("hasAnyAuthority('security-admin', 'engine-admin', 'auditor')")
  UserAccount get(@PathVariable String username) {
    var user = accounts.find(username).orElseThrow(() -> new NotFoundException("user", username));
    audit.record(AuditEvent.of("user.read", "user", username).build());
    return user;
  }

  /** A new user: the login exists at once, without roles; the roles asked for wait for a second person. */
  record CreatedUser(UserAccount user, RoleChanges.RoleChange pendingRoleChange) {}

  @PostMapping("/api/users")
  @ResponseStatus(HttpStatus.CREATED)
  @PreAuthorize("hasAuthority('security-admin')")
  @org.springframework.transaction.annotation.Transactional
  CreatedUser create(@Valid @RequestBody NewUserRequest request, Principal principal) {
    Set<Role> roles = roles(request.roles());
    UserAccount user = accounts.create(new UserAccounts.NewUser(request.username(), request.displayName(),
        request.email(), request.password(), Set.of()), principal.getName());
    RoleChanges.RoleChange change = roles.isEmpty() ? null
        : roleChanges.request(user.username(), roles, principal.getName(), "new user");
    return new CreatedUser(user, change);
  }

  /** Asks for a user's roles to change; they change when another security admin or a governance lead approves. */
  @PutMapping("/api/users/{username}/roles")
  @ResponseStatus(HttpStatus.ACCEPTED)
  @PreAuthorize("hasAuthority('security-admin')")
  RoleChanges.RoleChange setRoles(@PathVariable String username, @Valid @RequestBody RolesRequest request,
      Principal principal) {
    return roleChanges.request(username, roles(request.roles()), principal.getName(), request.reason());
  }

  @GetMapping("/api/users/role-changes")
  @PreAuthorize("hasAnyAuthority('security-admin', 'governance-lead', 'auditor')")
  List<RoleChanges.RoleChange> pendingRoleChanges(
      @org.springframework.web.bind.annotation.RequestParam(required = false) String username) {
    return roleChanges.pendingFor(username);
  }

  @PostMapping("/api/users/role-changes/{id}/approve")
  @PreAuthorize("hasAnyAuthority('security-admin', 'governance-lead')")
  RoleChanges.RoleChange approveRoleChange(@PathVariable String id, Principal principal) {
    return roleChanges.approve(id, principal.getName());
  }

  @PostMapping("/api/users/role-changes/{id}/reject")
  @PreAuthorize("hasAnyAuthority('security-admin', 'governance-lead')")
  RoleChanges.RoleChange rejectRoleChange(@PathVariable String id, Principal principal) {
    return roleChanges.reject(id, principal.getName());
  }

  private static Set<Role> roles(List<String> names) {
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
