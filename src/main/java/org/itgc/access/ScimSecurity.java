package org.itgc.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code /scim/v2/**} is for the identity provider or HR system that pushes identities: it authenticates with an API
 * credential of scope {@code scim} issued by a security admin, or with the bearer token {@code itgc.access.scim-token}
 * (from the environment), and nothing else; without either SCIM is closed. A wrong token is a 401 in SCIM's error format, and audited.
 */
@Configuration(proxyBeanMethods = false)
class ScimSecurity {

  static final String AUTHORITY = "hr-feed";
  static final String PRINCIPAL = "scim-hr-feed";

  @Bean
  @Order(0)
  SecurityFilterChain scimChain(HttpSecurity http, @Value("${itgc.access.scim-token:}") String token,
      AuditRecorder audit, ObjectMapper json, org.itgc.security.ApiCredentials credentials) throws Exception {
    http.securityMatcher(PathPatternRequestMatcher.withDefaults().matcher("/scim/**"))
        .authorizeHttpRequests(auth -> auth.anyRequest().hasAuthority(AUTHORITY))
        // an API credential with scope scim, or the configured token
        .addFilterBefore(new org.itgc.security.ApiCredentialFilter(credentials, audit, json), AnonymousAuthenticationFilter.class)
        .addFilterBefore(new BearerToken(token, audit, json), AnonymousAuthenticationFilter.class)
        .exceptionHandling(e -> e.authenticationEntryPoint((request, response, ex) ->
            ScimController.writeError(json, response, 401, null, "a valid bearer token is required")))
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(csrf -> csrf.disable());
    return http.build();
  }

  static final class BearerToken extends OncePerRequestFilter {
    private final byte[] expected;
    private final AuditRecorder audit;
    private final ObjectMapper json;

    BearerToken(String token, AuditRecorder audit, ObjectMapper json) {
      this.expected = token == null || token.isBlank() ? null : token.getBytes(StandardCharsets.UTF_8);
      this.audit = audit;
      this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
      String header = request.getHeader("Authorization");
      if (SecurityContextHolder.getContext().getAuthentication() == null && header != null
          && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        if (expected != null && MessageDigest.isEqual(expected, given)) {
          SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
              PRINCIPAL, null, List.of(new SimpleGrantedAuthority(AUTHORITY))));
        } else {
          audit.recordIndependently(AuditEvent.of("scim.authentication.failure", "endpoint", request.getRequestURI())
              .actor("anonymous", null).clientAddress(request.getRemoteAddr())
              .denied(expected == null ? "SCIM is not configured" : "wrong bearer token").build());
          ScimController.writeError(json, response, 401, null,
              expected == null ? "SCIM is not configured (itgc.access.scim-token)" : "the bearer token is not valid");
          return;
        }
      }
      chain.doFilter(request, response);
    }
  }

}
