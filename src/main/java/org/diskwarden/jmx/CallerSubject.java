package org.diskwarden.jmx;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.security.AccessController;
import java.util.function.Supplier;
import javax.security.auth.Subject;

/**
 * Finds the subject of the remote call being served: {@code Subject.current()} where the JDK has it
 * (18 and later; from 23 on the old call throws, the security manager being gone), else
 * {@code Subject.getSubject(AccessController.getContext())} as on 17.
 */
final class CallerSubject {
  private CallerSubject() {}

  /** The lookup for the running JDK. */
  static Supplier<Subject> lookup() {
    return lookup(Subject.class);
  }

  /**
   * The lookup through {@code holder.current()} when {@code holder} declares a public static
   * {@code Subject current()}, else the access-control context (tests pass another holder to reach
   * both branches on one JDK).
   */
  static Supplier<Subject> lookup(Class<?> holder) {
    MethodHandle current;
    try {
      current = MethodHandles.publicLookup().findStatic(holder, "current", MethodType.methodType(Subject.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return CallerSubject::fromAccessControlContext;
    }
    return () -> {
      try {
        return (Subject) current.invokeExact();
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException("Subject.current() failed", e);
      }
    };
  }

  @SuppressWarnings("removal")
  static Subject fromAccessControlContext() {
    return Subject.getSubject(AccessController.getContext());
  }
}
