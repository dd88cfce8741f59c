package org.diskwarden.policy;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * The threads of one unit of work (a plan's sizing walk, a sweep's removals): made at the first task,
 * shut down when the work ends, so an agent at rest holds none and nothing outlives its owner.
 */
public final class Workers implements AutoCloseable {
  private final String name;
  private final int size;
  private ForkJoinPool pool;
  private boolean closed;

  private Workers(String name, int size) {
    this.name = name;
    this.size = size;
  }

  /** Up to {@code size} threads named {@code name-N}. */
  public static Workers of(String name, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be at least 1, was " + size);
    }
    return new Workers(name, size);
  }

  /** Threads for a walk: one per core, at most four. */
  public static Workers sizing() {
    return of("diskwarden-size", Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
  }

  /** Runs {@code task} on these threads and waits for it. */
  public <T> T invoke(ForkJoinTask<T> task) {
    return pool().invoke(task);
  }

  private synchronized ForkJoinPool pool() {
    if (closed) {
      throw new IllegalStateException(name + " workers are closed");
    }
    if (pool == null) {
      pool = new ForkJoinPool(size, p -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
        t.setName(name + "-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
      }, null, false);
    }
    return pool;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
