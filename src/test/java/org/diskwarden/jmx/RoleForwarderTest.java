package org.diskwarden.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.PrivilegedAction;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.management.Attribute;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerFactory;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.MBeanServerForwarder;
import javax.security.auth.Subject;
import org.diskwarden.jmx.RoleForwarder.Access;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The role check itself, and how it finds the caller on each JDK. */
class RoleForwarderTest {
  private static final Map<String, Access> ROLES = Map.of("monitorRole", Access.READONLY,
      "controlRole", Access.READWRITE);

  private static Subject subject(String role) {
    return new Subject(true, Set.of(new JMXPrincipal(role)), Set.of(), Set.of());
  }

  private static MBeanServerForwarder forwarder(Supplier<Subject> caller) {
    MBeanServerForwarder f = RoleForwarder.of(ROLES, Access.READONLY, caller);
    f.setMBeanServer(MBeanServerFactory.newMBeanServer());
    return f;
  }

  @Test
  void objectMethods_neverReachTheRoleCheck() {
    MBeanServerForwarder f = forwarder(() -> {
      throw new AssertionError("the role check was reached");
    });
    MBeanServerForwarder other = forwarder(() -> null);

    assertThat(f.hashCode()).isEqualTo(System.identityHashCode(f));
    assertThat(f.equals(f)).isTrue();
    assertThat(f.equals(other)).isFalse();
    assertThat(f.toString()).startsWith("RoleForwarder");
    // an MBean server call still is checked
    assertThatThrownBy(() -> f.getMBeanCount()).isInstanceOf(AssertionError.class);
  }

  @Test
  void monitorRole_reads_butCannotWrite_controlRole_cannotWriteOutsideItsDomain() throws Exception {
    MBeanServerForwarder monitor = forwarder(() -> subject("monitorRole"));
    MBeanServerForwarder control = forwarder(() -> subject("controlRole"));

    assertThat(monitor.getAttribute(MBeanServerDelegate.DELEGATE_NAME, "ImplementationName")).isNotNull();
    assertThatThrownBy(() -> monitor.setAttribute(MBeanServerDelegate.DELEGATE_NAME, new Attribute("X", 1)))
        .isInstanceOf(SecurityException.class).hasMessageContaining("readonly");
    assertThatThrownBy(() -> control.setAttribute(MBeanServerDelegate.DELEGATE_NAME, new Attribute("X", 1)))
        .isInstanceOf(SecurityException.class).hasMessageContaining("readwrite");
  }

  @Test
  void aSubjectWithoutAnEntryInTheAccessFile_isRefused() {
    MBeanServerForwarder f = forwarder(() -> subject("stranger"));

    assertThatThrownBy(f::getMBeanCount).isInstanceOf(SecurityException.class).hasMessageContaining("access file");
  }

  /** Stands for Subject on JDK 18 and later, which has {@code current()}. */
  public static final class WithCurrent {
    static Subject current;

    public static Subject current() {
      return current;
    }
  }

  @Test
  void callerSubject_usesCurrent_whereTheJdkHasIt() {
    WithCurrent.current = subject("controlRole");

    assertThat(CallerSubject.lookup(WithCurrent.class).get()).isSameAs(WithCurrent.current);
  }

  @Test
  @SuppressWarnings("removal")
  void callerSubject_fallsBackToTheAccessControlContext_whereCurrentIsMissing() {
    Assumptions.assumeTrue(Runtime.version().feature() < 23,
        "needs JDK 17..22: from 23 on Subject.getSubject throws (the branch is for JDKs without Subject.current())");
    Subject s = subject("monitorRole");
    Supplier<Subject> lookup = CallerSubject.lookup(Object.class);

    assertThat(Subject.doAs(s, (PrivilegedAction<Subject>) lookup::get)).isSameAs(s);
    assertThat(lookup.get()).isNull();
  }

  @Test
  @SuppressWarnings("removal")
  void callerSubject_onThisJdk_findsTheSubjectOfTheCall() {
    Subject s = subject("monitorRole");

    assertThat(Subject.doAs(s, (PrivilegedAction<Subject>) CallerSubject.lookup()::get)).isSameAs(s);
  }
}
