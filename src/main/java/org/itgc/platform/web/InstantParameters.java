package org.itgc.platform.web;

import java.time.Instant;
import org.itgc.platform.calendar.BusinessCalendar;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * One reading of a point in time for every request parameter of type {@link Instant}, in the APIs and the pages
 * alike: an ISO-8601 instant or date-time with an offset ({@code 2026-12-01T00:00:00Z}), a date-time without one
 * (read in the business calendar's zone), or a plain date ({@code 2026-12-01}: its start in the business calendar's
 * zone), as {@link BusinessCalendar#parseInstant} reads forms and request bodies. Anything else is a 400 naming the
 * parameter. Registered after Spring's own instant formatter, so it is tried first.
 */
@Configuration(proxyBeanMethods = false)
class InstantParameters implements WebMvcConfigurer {

  private final BusinessCalendar calendar;

  InstantParameters(BusinessCalendar calendar) {
    this.calendar = calendar;
  }

  @Override
  public void addFormatters(FormatterRegistry registry) {
    registry.addConverter(String.class, Instant.class, new InstantConverter(calendar));
  }

  /** The converter itself, a named class so that Spring sees its source and target types. */
  record InstantConverter(BusinessCalendar calendar) implements Converter<String, Instant> {

    @Override
    public Instant convert(String source) {
      String value = source.trim();
      return value.isEmpty() ? null : calendar.parseInstant(value);
    }
  }
}
