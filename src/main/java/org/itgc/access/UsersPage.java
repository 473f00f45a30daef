package org.itgc.access;

import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.itgc.platform.Role;
import org.itgc.platform.web.Page;
import org.itgc.security.Mfa;
import org.itgc.security.UserAccounts;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The security administrator's user screens (Camunda Admin's user editing is not the path): every login with its
 * roles, second factor, last login and lock; a new login (its password changes at the first login, its roles are an
 * access request); unlock, second-factor reset and enabling, each never on oneself, each audited by its service.
 */
@Controller
@Page
@PreAuthorize("hasAuthority('security-admin')")
class UsersPage {

  private final Mfa mfa;
  private final UserAccounts accounts;
  private final EngineRoleRequests roleRequests;
  private final Validator validator;

  UsersPage(Mfa mfa, UserAccounts accounts, EngineRoleRequests roleRequests, Validator validator) {
    this.mfa = mfa;
    this.accounts = accounts;
    this.roleRequests = roleRequests;
    this.validator = validator;
  }

  @GetMapping("/app/users")
  String users(Model model) {
    model.addAttribute("users", mfa.coverage());
    return "users";
  }

  /** The new-user form as posted. */
  static final class NewUserForm {
    public String username;
    public String displayName;
    public String email;
    public String password;
    public List<String> roles = new ArrayList<>();
    public String reason;

    public String getUsername() { return username; }
    public void setUsername(String v) { username = v; }
    public String getDisplayName() { return displayName; }
    public void setDisplayName(String v) { displayName = v; }
    public String getEmail() { return email; }
    public void setEmail(String v) { email = v; }
    public String getPassword() { return password; }
    public void setPassword(String v) { password = v; }
    public List<String> getRoles() { return roles; }
    public void setRoles(List<String> v) { roles = v == null ? new ArrayList<>() : v; }
    public String getReason() { return reason; }
    public void setReason(String v) { reason = v; }
  }

  @GetMapping("/app/users/new")
  String newUser(Model model) {
    model.addAttribute("form", new NewUserForm());
    model.addAttribute("errors", Map.of());
    model.addAttribute("allRoles", Role.values());
    return "user-form";
  }

  @PostMapping("/app/users")
  String create(@ModelAttribute("form") NewUserForm form, Authentication authentication, Model model,
      RedirectAttributes redirect) {
    Map<String, String> errors = new LinkedHashMap<>();
    var request = new EngineRolesController.NewUserRequest(form.username, form.displayName, form.email, form.password,
        form.roles, form.reason);
    validator.validate(request).forEach(v -> errors.merge(v.getPropertyPath().toString().replaceAll("\\[.*", ""),
        v.getMessage(), (a, b) -> a + "; " + b));
    if (errors.isEmpty()) {
      try {
        var created = roleRequests.createUser(new UserAccounts.NewUser(form.username, form.displayName, form.email,
            form.password, EngineRolesController.roles(form.roles)), authentication.getName(),
            authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList(), form.reason);
        redirect.addFlashAttribute("created", created);
        return "redirect:/app/users";
      } catch (RuntimeException e) {
        // a login the registry cannot name (no HR identity) is a conflict about the username
        org.itgc.platform.web.FormErrors.collect(e, errors, "username");
      }
    }
    model.addAttribute("errors", errors);
    model.addAttribute("allRoles", Role.values());
    return "user-form";
  }

  @PostMapping("/app/users/{username}/unlock")
  String unlock(@PathVariable String username, Authentication authentication, RedirectAttributes redirect) {
    mfa.unlock(username, authentication.getName());
    redirect.addFlashAttribute("done", username + " is unlocked.");
    return "redirect:/app/users";
  }

  @PostMapping("/app/users/{username}/mfa-reset")
  String resetMfa(@PathVariable String username, Authentication authentication, RedirectAttributes redirect) {
    mfa.reset(username, authentication.getName());
    redirect.addFlashAttribute("done", username + " enrols a second factor again at the next login.");
    return "redirect:/app/users";
  }

  @PostMapping("/app/users/{username}/enable")
  String enable(@PathVariable String username, Authentication authentication, RedirectAttributes redirect) {
    if (username.equals(authentication.getName())) {
      throw new org.springframework.security.access.AccessDeniedException("nobody enables their own login");
    }
    accounts.setEnabled(username, true, authentication.getName(), "enabled by a security administrator");
    redirect.addFlashAttribute("done", username + " is enabled.");
    return "redirect:/app/users";
  }
}
