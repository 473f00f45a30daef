package org.itgc.security;

import java.util.LinkedHashMap;
import java.util.Map;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.Page;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** A person's own account: who they are, their roles and second factor, and a working password change. */
@Controller
@Page
class AccountPage {

  private final UserAccounts accounts;
  private final PasswordPolicy policy;
  private final Mfa mfa;

  AccountPage(UserAccounts accounts, PasswordPolicy policy, Mfa mfa) {
    this.accounts = accounts;
    this.policy = policy;
    this.mfa = mfa;
  }

  @GetMapping("/app/account")
  String account(Authentication authentication, Model model) {
    model.addAttribute("account", accounts.find(authentication.getName())
        .orElseThrow(() -> new AccessDeniedException("only a person's login has an account page")));
    model.addAttribute("enrolled", mfa.enrolled(authentication.getName()));
    model.addAttribute("rules", policy.rules());
    model.addAttribute("preset", policy.preset());
    if (!model.containsAttribute("errors")) {
      model.addAttribute("errors", Map.of());
    }
    return "account";
  }

  @PostMapping("/app/account/password")
  String changePassword(@RequestParam(required = false) String currentPassword,
      @RequestParam(required = false) String newPassword, @RequestParam(required = false) String confirmPassword,
      Authentication authentication, Model model, RedirectAttributes redirect) {
    Map<String, String> errors = new LinkedHashMap<>();
    if (newPassword != null && !newPassword.equals(confirmPassword)) {
      errors.put("confirmPassword", "does not repeat the new password");
    } else {
      try {
        accounts.changePassword(authentication.getName(), currentPassword, newPassword);
        redirect.addFlashAttribute("changed", true);
        return "redirect:/app/account";
      } catch (InvalidInputException e) {
        e.errors().forEach(error -> errors.merge(error.field(), error.reason(), (a, b) -> a + "; " + b));
      }
    }
    model.addAttribute("errors", errors);
    return account(authentication, model);
  }
}
