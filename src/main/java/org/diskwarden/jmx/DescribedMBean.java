package org.diskwarden.jmx;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.NotificationEmitter;
import javax.management.StandardEmitterMBean;

/**
 * An MBean whose MBeanInfo carries the {@link Description}s of its interface, for JConsole tooltips.
 * With {@code mxbean} false the interface's types pass through as they are: the agent's interface
 * already speaks open types only (CompositeData, TabularData), which the MXBean mapping would instead
 * treat as Java beans.
 */
final class DescribedMBean<T> extends StandardEmitterMBean {
  private final Class<T> type;

  DescribedMBean(T implementation, Class<T> type, boolean mxbean, NotificationEmitter emitter) {
    super(implementation, type, mxbean, emitter);
    this.type = type;
  }

  @Override
  protected String getDescription(MBeanInfo info) {
    return Optional.ofNullable(type.getAnnotation(Description.class)).map(Description::value)
        .orElse(super.getDescription(info));
  }

  @Override
  protected String getDescription(MBeanAttributeInfo info) {
    return method("get" + info.getName()).or(() -> method("is" + info.getName()))
        .map(m -> m.getAnnotation(Description.class)).map(Description::value)
        .orElse(super.getDescription(info));
  }

  @Override
  protected String getDescription(MBeanOperationInfo info) {
    return method(info.getName()).map(m -> m.getAnnotation(Description.class)).map(Description::value)
        .orElse(super.getDescription(info));
  }

  private Optional<Method> method(String name) {
    return Arrays.stream(type.getMethods())
        .filter(m -> m.getName().equals(name) && m.isAnnotationPresent(Description.class))
        .findFirst();
  }
}
