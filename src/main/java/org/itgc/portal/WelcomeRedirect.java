package org.itgc.portal;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Camunda's Welcome application (its "migrate to Camunda 8" banner, a password change that fails, a profile the engine
 * does not keep) is replaced by the person's home page: every request for it goes to {@code /app}, whose account page
 * changes the password.
 */
@Configuration(proxyBeanMethods = false)
class WelcomeRedirect {

  static final String HOME = "/app";

  @Bean
  FilterRegistrationBean<OncePerRequestFilter> camundaWelcomeToHome() {
    var registration = new FilterRegistrationBean<OncePerRequestFilter>(new OncePerRequestFilter() {
      @Override
      protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
          throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.equals("/camunda/app/welcome") || path.startsWith("/camunda/app/welcome/")) {
          response.sendRedirect(request.getContextPath() + HOME);
          return;
        }
        chain.doFilter(request, response);
      }
    });
    registration.addUrlPatterns("/camunda/app/welcome", "/camunda/app/welcome/*");
    registration.setName("camunda-welcome-to-home");
    // after Spring Security (which answers an anonymous request with the login), before Camunda's webapp filters
    registration.setOrder(100);
    return registration;
  }
}
