package org.itgc.security;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The engine's own login page (the first of the two steps). A refusal says the same thing whatever was wrong
 * ({@link MfaLogin#GENERIC_FAILURE}); a person already signed in is sent home.
 */
@Controller
class LoginPage {

  @GetMapping("/login")
  String login(@RequestParam(required = false) String error, @RequestParam(required = false) String logout,
      Authentication authentication, Model model) {
    if (MfaLogin.verified(authentication) && error == null && logout == null) {
      return "redirect:/app";
    }
    model.addAttribute("failure", error == null ? null : MfaLogin.GENERIC_FAILURE);
    model.addAttribute("loggedOut", logout != null);
    return "login";
  }
}
