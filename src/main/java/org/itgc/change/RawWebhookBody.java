package org.itgc.change;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Keeps a webhook's body exactly as it came, before anything reads it as form parameters: GitHub signs the raw body,
 * and for its form content type ({@code payload=<url-encoded JSON>}) a servlet container or Spring would otherwise
 * rebuild the body from parsed parameters, which need not be the bytes that were signed.
 */
@Configuration(proxyBeanMethods = false)
class RawWebhookBody {

  static final String ATTRIBUTE = RawWebhookBody.class.getName();
  /**
   * Larger deliveries are refused before they are verified (the body is read before its signature can be checked):
   * a push or merge event of real size is tens of kilobytes (GitLab lists at most 20 commits, GitHub 20 in a push).
   */
  static final int LIMIT = 5 * 1024 * 1024;

  @Bean
  FilterRegistrationBean<OncePerRequestFilter> rawWebhookBodyFilter() {
    var registration = new FilterRegistrationBean<OncePerRequestFilter>(new OncePerRequestFilter() {
      @Override
      protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
          throws ServletException, IOException {
        if (request.getContentLengthLong() > LIMIT) {
          response.sendError(413, "a webhook delivery larger than 5 MB is refused");
          return;
        }
        if (!"POST".equals(request.getMethod())) {
          chain.doFilter(request, response);
          return;
        }
        byte[] body = request.getInputStream().readNBytes(LIMIT + 1);
        if (body.length > LIMIT) {
          response.sendError(413, "a webhook delivery larger than 5 MB is refused");
          return;
        }
        request.setAttribute(ATTRIBUTE, body);
        chain.doFilter(new HttpServletRequestWrapper(request) {
          @Override
          public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
              @Override
              public int read() {
                return in.read();
              }

              @Override
              public boolean isFinished() {
                return in.available() == 0;
              }

              @Override
              public boolean isReady() {
                return true;
              }

              @Override
              public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException("synchronous reads only");
              }
            };
          }
        }, response);
      }
    });
    registration.addUrlPatterns("/api/webhooks/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    registration.setName("rawWebhookBody");
    return registration;
  }

  /** The body as it came over the wire. */
  static byte[] of(HttpServletRequest request) {
    Object body = request.getAttribute(ATTRIBUTE);
    return body instanceof byte[] bytes ? bytes : new byte[0];
  }
}
