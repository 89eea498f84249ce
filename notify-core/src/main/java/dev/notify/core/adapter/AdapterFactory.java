package dev.notify.core.adapter;

/** Creates the adapter of each namespace. {@link InMemoryAdapter#factory()} is the default. */
@FunctionalInterface
public interface AdapterFactory {
  Adapter create(AdapterNamespace namespace);
}
