package org.itgc.platform.web;

import com.fasterxml.jackson.annotation.JacksonAnnotationsInside;
import com.fasterxml.jackson.annotation.JsonFormat;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An instant written in JSON as the API wrote database timestamps when its rows were maps
 * ({@code 2026-12-03T10:15:30.000+00:00}, UTC, milliseconds): the records that replaced those maps keep the format
 * clients already parse.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
@JacksonAnnotationsInside
@JsonFormat(shape = JsonFormat.Shape.STRING, pattern = "yyyy-MM-dd'T'HH:mm:ss.SSSxxx", timezone = "UTC")
public @interface ColumnTimestamp {}
