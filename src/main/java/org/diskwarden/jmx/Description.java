package org.diskwarden.jmx;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The text JConsole and VisualVM show as a tooltip: on an MXBean getter (the attribute), operation,
 * or operation parameter (where {@link #name()} also names the parameter).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE})
public @interface Description {
  String value();

  /** For a parameter: its name (bytecode does not keep one). */
  String name() default "";
}
