package dev.notify.cdi.apps;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Set;

/**
 * Every test application's beans sit in this package of one bean archive (the test classes): this extension
 * leaves a deployment only the beans its test chose, read from the {@link AppLoader} above the web application's
 * class loader. Weld boots on the thread that starts the context, with that loader as context class loader.
 */
public final class TestApps implements Extension {

  /** The parent of one web application's class loader: its bean classes and its configuration files. */
  public static final class AppLoader extends URLClassLoader {

    private final Set<Class<?>> beans;

    public AppLoader(URL resources, Set<Class<?>> beans) {
      super(new URL[] {resources}, TestApps.class.getClassLoader());
      this.beans = Set.copyOf(beans);
    }
  }

  <T> void onlyTheTestsBeans(@Observes ProcessAnnotatedType<T> type) {
    Class<T> bean = type.getAnnotatedType().getJavaClass();
    Class<?> outer = bean;
    while (outer.getEnclosingClass() != null) {
      outer = outer.getEnclosingClass();
    }
    if (outer.getPackageName().equals(TestApps.class.getPackageName()) && outer != TestApps.class
        && !deployed().contains(outer)) {
      type.veto();
    }
  }

  private static Set<Class<?>> deployed() {
    for (ClassLoader loader = Thread.currentThread().getContextClassLoader(); loader != null;
        loader = loader.getParent()) {
      if (loader instanceof AppLoader app) {
        return app.beans;
      }
    }
    throw new IllegalStateException("no AppLoader above " + Thread.currentThread().getContextClassLoader());
  }
}
