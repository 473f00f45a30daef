package org.itgc.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test whose outcome depends on the date it runs at (deadlines, timers, SLAs, calendars, validity windows). Besides
 * the normal run at today's date, the build runs every such test again with the clock at other dates (a year end
 * that is also a holiday, the eve of a daylight-saving change, a year beyond the company's confirmed calendars):
 * see the {@code clock-*} executions of the failsafe plugin in {@code pom.xml}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("date-sensitive")
public @interface DateSensitive {}
