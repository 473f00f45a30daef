package org.itgc.security;

import jakarta.validation.Valid;
import java.security.Principal;
import java.util.List;
import java.util.Map;
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
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Engine users, managed by {@code security-admin} (a new login and its roles: {@code access.EngineRolesController});
 * second factors, passwords, API credentials.
 */
@RestController
class UsersController {

  private final UserAccounts accounts;
  private final AuditRecorder audit;
  private final PasswordPolicy passwordPolicy;

  private final Mfa mfa;
  private final org.itgc.systems.SystemsInventory systems;
  private final ApiCredentials credentials;

  UsersController(UserAccounts accounts, AuditRecorder audit, PasswordPolicy passwordPolicy, Mfa mfa,
      org.itgc.systems.SystemsInventory systems, ApiCredentials credentials) {
    this.credentials = credentials;
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
    long enrolled = users.stream().filter(Mfa.UserCoverage::mfaEnrolled).count();
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
      String system, java.time.Instant expiresAt) {}

  /** Issues a credential for a machine; the token is in this answer only. */
  @PostMapping("/api/security/credentials")
  @ResponseStatus(HttpStatus.CREATED)
  @PreAuthorize("hasAuthority('security-admin')")
  Map<String, Object> issueCredential(@jakarta.validation.Valid @RequestBody CredentialRequest request, Principal principal) {
    if (request == null) {
      throw new BadRequestException("body", "is required: {name, scopes, expiresAt} (and system for scope logs)");
    }
    return credentials.issue(request.name(), request.scopes(), request.system(), request.expiresAt(),
        principal.getName());
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



}
