package org.diskwarden.jmx;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.MBeanServerForwarder;
import javax.security.auth.Subject;

/**
 * Stands between the remote connector and the MBean server and lets each call through only when the
 * caller's role may make it (the pattern of Cassandra's {@code AuthorizationProxy}):
 *
 * <ul>
 *   <li>{@link Access#READONLY} (monitorRole): reads attributes and MBean info of every MBean,
 *       listens to notifications; no write, no operation.
 *   <li>{@link Access#READWRITE} (controlRole): that, and sets attributes and invokes operations in
 *       the {@code org.diskwarden} domain only: the platform MBeans stay read-only, so neither
 *       {@code DiagnosticCommand} ({@code vmLog output=...} writes any file), {@code HotSpotDiagnostic}
 *       ({@code dumpHeap}, {@code setVMOption}) nor {@code jdk.management.jfr} can be used.
 *   <li>{@link Access#ADMIN} (an {@code adminRole} configured on purpose): everything.
 * </ul>
 * Creating, registering and unregistering MBeans, instantiation and deserialization are for ADMIN only.
 */
final class RoleForwarder implements InvocationHandler {
  /** What a role may do. */
  enum Access {
    READONLY, READWRITE, ADMIN;

    static Access fromKey(String key) {
      return switch (key) {
        case "readonly" -> READONLY;
        case "readwrite" -> READWRITE;
        case "admin" -> ADMIN;
        default -> throw new IllegalArgumentException("access '" + key + "' is not one of readonly, readwrite, admin");
      };
    }
  }

  static final String DOMAIN = "org.diskwarden";
  private static final Set<String> READS = Set.of("getAttribute", "getAttributes", "getMBeanInfo", "queryNames",
      "queryMBeans", "isRegistered", "getMBeanCount", "getDefaultDomain", "getDomains", "isInstanceOf",
      "getObjectInstance", "addNotificationListener", "removeNotificationListener",
      // the connector itself asks for these to read a call's parameters (as the JDK's access controller allows)
      "getClassLoaderRepository", "getClassLoader", "getClassLoaderFor");
  private static final Set<String> WRITES = Set.of("setAttribute", "setAttributes", "invoke");

  private final Map<String, Access> roles;
  private final Access unauthenticated;
  private final Supplier<Subject> caller;
  private MBeanServer server;

  /**
   * @param roles what each authenticated role may do
   * @param unauthenticated what a caller without a subject may do (authentication off: never ADMIN)
   */
  private RoleForwarder(Map<String, Access> roles, Access unauthenticated, Supplier<Subject> caller) {
    this.roles = Map.copyOf(roles);
    this.unauthenticated = unauthenticated;
    this.caller = caller;
  }

  static MBeanServerForwarder of(Map<String, Access> roles, Access unauthenticated) {
    return of(roles, unauthenticated, CallerSubject.lookup());
  }

  static MBeanServerForwarder of(Map<String, Access> roles, Access unauthenticated, Supplier<Subject> caller) {
    return (MBeanServerForwarder) Proxy.newProxyInstance(MBeanServerForwarder.class.getClassLoader(),
        new Class<?>[] {MBeanServerForwarder.class}, new RoleForwarder(roles, unauthenticated, caller));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    if (method.getDeclaringClass() == Object.class) {
      // the connector keeps its listeners in hash maps keyed by this proxy: these are not MBean calls
      return switch (name) {
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == args[0];
        default -> "RoleForwarder" + roles.keySet();
      };
    }
    if (name.equals("getMBeanServer")) {
      return server;
    }
    if (name.equals("setMBeanServer")) {
      if (server != null) {
        throw new IllegalArgumentException("the MBean server is already set");
      }
      server = (MBeanServer) args[0];
      return null;
    }
    check(name, args);
    try {
      return method.invoke(server, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private void check(String method, Object[] args) {
    Access access = access();
    if (access == Access.ADMIN || READS.contains(method)) {
      return;
    }
    if (WRITES.contains(method) && access == Access.READWRITE && args != null && args.length > 0
        && args[0] instanceof ObjectName target && DOMAIN.equals(target.getDomain())) {
      return;
    }
    String on = args != null && args.length > 0 && args[0] instanceof ObjectName target ? " on " + target : "";
    throw new SecurityException("access denied: " + method + on + " is not allowed for a "
        + access.name().toLowerCase(java.util.Locale.ROOT) + " role (controlRole writes only in the " + DOMAIN
        + " domain; the JVM's diagnostic operations need an adminRole)");
  }

  private Access access() {
    // The connector runs each remote call as the authenticated subject.
    Subject subject = caller.get();
    if (subject == null) {
      return unauthenticated;
    }
    Access best = null;
    for (JMXPrincipal p : subject.getPrincipals(JMXPrincipal.class)) {
      Access a = roles.get(p.getName());
      if (a != null && (best == null || a.ordinal() > best.ordinal())) {
        best = a;
      }
    }
    if (best == null) {
      throw new SecurityException("access denied: the role has no entry in the access file");
    }
    return best;
  }
}
