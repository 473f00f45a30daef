package org.itgc.security;

import org.itgc.platform.Role;
import static org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher.withDefaults;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.camunda.bpm.webapp.impl.security.auth.ContainerBasedAuthenticationFilter;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.itgc.audit.AuditRecorder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * One login for everything (and, before it, the log collector's own chain). Three chains, all built from {@link org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher}
 * (a plain string pattern would not match Camunda's Jersey servlet):
 * <ol>
 *   <li>{@code /engine-rest/**}: API credentials (bearer tokens of machines, scoped), stateless;</li>
 *   <li>{@code /api/**} and {@code /actuator/**}: API credentials or the browser session; CSRF checked for the session;</li>
 *   <li>everything else (Tasklist, Cockpit, Admin, pages): form login; Camunda's webapps keep their own CSRF.</li>
 * </ol>
 * HTTP Basic with a person's password is accepted on chains 1 and 2 only where {@code itgc.security.api-password-login}
 * is on (the demo profile), because it has no second factor. The form login of chain 3 has two steps: the password, then a TOTP code ({@link MfaLogin}, {@link MfaController}).
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
public class SecurityConfiguration {

  static final String CAMUNDA_LOGOUT = "/camunda/api/admin/auth/user/default/logout";
  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

  /**
   * Spring's delegating encoder (new hashes {@code {bcrypt}}, stored ones by their prefix), with the bcrypt cost
   * {@code itgc.security.bcrypt-strength}: Spring's 10 unless set. The build's tests set the minimum, 4 (see
   * {@code itgc.test.argLine} in {@code pom.xml}): their thousands of HTTP Basic requests each check a password, and they
   * test who may do what, not the cost of guessing a password; the benchmarks keep 10.
   */
  @Bean
  PasswordEncoder passwordEncoder(@Value("${itgc.security.bcrypt-strength:10}") int bcryptStrength) {
    if (bcryptStrength == 10) {
      return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }
    // the same encoders as Spring's factory for the ids this engine stores ({bcrypt}, and {noop} for accounts that
    // have no password: a random value nobody knows)
    var encoders = Map.<String, PasswordEncoder>of("bcrypt",
        new org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder(bcryptStrength),
        "noop", org.springframework.security.crypto.password.NoOpPasswordEncoder.getInstance());
    return new org.springframework.security.crypto.password.DelegatingPasswordEncoder("bcrypt", encoders);
  }

  /**
   * The Splunk HEC compatible log endpoint ({@code logs.HecController}): its senders authenticate as HEC's do
   * ({@code Authorization: Splunk <token>}, a credential of scope logs), checked and audited by the endpoint itself,
   * which answers in HEC's codes; no session, no CSRF (no browser sends there).
   */
  @Bean
  @Order(0)
  SecurityFilterChain logCollectorChain(HttpSecurity http) throws Exception {
    http.securityMatcher(withDefaults().matcher("/services/collector/**"))
        .authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .requestCache(cache -> cache.disable())
        .csrf(csrf -> csrf.disable());
    return http.build();
  }

  @Bean
  @Order(1)
  SecurityFilterChain engineRestChain(HttpSecurity http, ProblemSecurityHandlers problems, ApiCredentials credentials,
      AuditRecorder audit, ObjectMapper json, UserAccounts accounts,
      @Value("${itgc.security.api-password-login:false}") boolean passwordLogin) throws Exception {
    http.addFilterAfter(new PasswordChangeDueFilter(accounts, audit, json), BasicAuthenticationFilter.class);
    http.securityMatcher(withDefaults().matcher("/engine-rest/**"))
        .authorizeHttpRequests(auth -> auth.anyRequest().access(MfaLogin.VERIFIED))
        .addFilterBefore(new ApiCredentialFilter(credentials, audit, json), BasicAuthenticationFilter.class)
        .httpBasic(basic -> passwordLogin(basic, problems, passwordLogin))
        .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(csrf -> csrf.disable());
    return http.build();
  }

  @Bean
  @Order(2)
  SecurityFilterChain apiChain(HttpSecurity http, ProblemSecurityHandlers problems, ApiCredentials credentials,
      AuditRecorder audit, ObjectMapper json, UserAccounts accounts,
      @Value("${itgc.security.api-password-login:false}") boolean passwordLogin) throws Exception {
    var paths = withDefaults();
    http.addFilterAfter(new PasswordChangeDueFilter(accounts, audit, json), BasicAuthenticationFilter.class);
    http.addFilterBefore(new ApiCredentialFilter(credentials, audit, json), BasicAuthenticationFilter.class);
    http.securityMatcher(new OrRequestMatcher(paths.matcher("/api/**"), paths.matcher("/actuator/**")))
        .authorizeHttpRequests(auth -> auth
            .requestMatchers(paths.matcher("/actuator/health"), paths.matcher("/actuator/health/**"),
                paths.matcher("/actuator/info")).permitAll()
            .requestMatchers(paths.matcher("/actuator/**")).hasAuthority(Role.ENGINE_ADMIN.groupId())
            // source-control webhooks authenticate by their signature (HMAC) or token, checked by the application
            .requestMatchers(paths.matcher(HttpMethod.POST, "/api/webhooks/**")).permitAll()
            // a browser session between password and code reaches nothing
            .anyRequest().access(MfaLogin.VERIFIED))
        .httpBasic(basic -> passwordLogin(basic, problems, passwordLogin))
        .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.NEVER))
        // a browser page using the login session must send the CSRF token; Basic-authenticated clients need not
        .csrf(csrf -> csrf.requireCsrfProtectionMatcher(SessionWithoutBasic.INSTANCE)
            .ignoringRequestMatchers(paths.matcher("/api/webhooks/**")));
    return http.build();
  }

  @Bean
  @Order(3)
  SecurityFilterChain webChain(HttpSecurity http, MfaLogin mfaLogin) throws Exception {
    var paths = withDefaults();
    http.authorizeHttpRequests(auth -> auth
            .requestMatchers(paths.matcher("/login"), paths.matcher("/error"), paths.matcher("/favicon.ico"),
                paths.matcher("/app/app.css"), paths.matcher("/app/app.js"), paths.matcher("/webjars/**")).permitAll()
            // Camunda's "create the first admin" page would create users outside the engine's user store
            .requestMatchers(paths.matcher("/camunda/api/admin/setup/**"), paths.matcher("/camunda/app/admin/*/setup/**"))
                .denyAll()
            // the second step of the login: only between password and code
            .requestMatchers(paths.matcher("/mfa"), paths.matcher("/mfa/**")).access(MfaLogin.PENDING)
            .anyRequest().access(MfaLogin.VERIFIED))
        .securityContext(context -> context.securityContextRepository(mfaLogin.repository()))
        .exceptionHandling(e -> e.accessDeniedHandler(mfaLogin))
        .formLogin(form -> form.loginPage("/login").successHandler(mfaLogin).failureHandler(mfaLogin))
        .logout(logout -> logout
            .logoutRequestMatcher(new OrRequestMatcher(paths.matcher(HttpMethod.POST, "/logout"),
                paths.matcher(HttpMethod.POST, CAMUNDA_LOGOUT)))
            .logoutSuccessUrl("/login?logout"))
        // Camunda's webapps protect themselves with their own CSRF filter
        .csrf(csrf -> csrf.ignoringRequestMatchers(paths.matcher("/camunda/**")));
    return http.build();
  }

  /**
   * HTTP Basic with a person's password has no second factor: only where {@code itgc.security.api-password-login}
   * allows it (the demo profile). Elsewhere machines use API credentials and people the browser.
   */
  private static void passwordLogin(
      org.springframework.security.config.annotation.web.configurers.HttpBasicConfigurer<HttpSecurity> basic,
      ProblemSecurityHandlers problems, boolean allowed) {
    if (allowed) {
      basic.authenticationEntryPoint(problems);
    } else {
      basic.disable();
    }
  }

  /** Hands the Spring login to Camunda's webapps (Tasklist, Cockpit, Admin). */
  @Bean
  FilterRegistrationBean<ContainerBasedAuthenticationFilter> camundaWebappAuthentication() {
    var registration = new FilterRegistrationBean<>(new ContainerBasedAuthenticationFilter());
    registration.setInitParameters(Map.of("authentication-provider", SpringSecurityCamundaAuthentication.class.getName()));
    registration.addUrlPatterns("/camunda/*");
    registration.setName("camunda-container-authentication");
    registration.setOrder(101);
    return registration;
  }

  /** Hands the Spring login to Camunda's REST API, so that its authorization checks apply to the caller. */
  @Bean
  FilterRegistrationBean<ProcessEngineAuthenticationFilter> camundaRestAuthentication() {
    var registration = new FilterRegistrationBean<>(new ProcessEngineAuthenticationFilter());
    registration.setInitParameters(Map.of(
        "authentication-provider", SpringSecurityCamundaAuthentication.class.getName(),
        "rest-url-pattern-prefix", "/engine-rest"));
    registration.addUrlPatterns("/engine-rest/*");
    registration.setName("camunda-rest-authentication");
    registration.setOrder(102);
    return registration;
  }

  /** CSRF applies to state-changing requests authenticated by the browser session, not to Basic or API-credential clients. */
  enum SessionWithoutBasic implements RequestMatcher {
    INSTANCE;

    @Override
    public boolean matches(HttpServletRequest request) {
      String authorization = request.getHeader("Authorization");
      return !SAFE_METHODS.contains(request.getMethod())
          && (authorization == null || !(authorization.regionMatches(true, 0, "Basic ", 0, 6)
              || authorization.regionMatches(true, 0, "Bearer itgc_", 0, 12)));
    }
  }
}
