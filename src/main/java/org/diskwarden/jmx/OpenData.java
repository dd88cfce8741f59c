package org.diskwarden.jmx;

import javax.management.openmbean.CompositeData;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;
import javax.management.openmbean.TabularData;
import javax.management.openmbean.TabularDataSupport;
import javax.management.openmbean.TabularType;
import org.diskwarden.git.GitGcReport;
import org.diskwarden.policy.Candidate;
import org.diskwarden.sweep.Plan;
import org.diskwarden.sweep.SweepReport;

/** Our values as open data, so JConsole shows them without our classes. */
final class OpenData {
  static final CompositeType CLEANUP;
  static final CompositeType CANDIDATE;
  static final TabularType PLAN;
  static final CompositeType GIT_GC;
  private static final String[] GIT_GC_ITEMS = {"repo", "outcome", "reason", "start", "seconds", "looseBefore",
      "looseAfter", "packedBefore", "packedAfter", "gitDirBefore", "gitDirAfter", "tempPacksRemoved", "volumeFreed"};

  static {
    try {
      CLEANUP = new CompositeType("Cleanup", "One sweep",
          new String[] {"start", "end", "bytesFreed", "freeBefore", "freeAfter", "removed", "failed", "state"},
          new String[] {"Start (ISO-8601)", "End (ISO-8601)", "Bytes the removed entries freed",
              "Free bytes before", "Free bytes after", "Entries removed", "Removals failed or refused",
              "State after the sweep"},
          new OpenType<?>[] {SimpleType.STRING, SimpleType.STRING, SimpleType.LONG, SimpleType.LONG,
              SimpleType.LONG, SimpleType.INTEGER, SimpleType.INTEGER, SimpleType.STRING});
      CANDIDATE = new CompositeType("Candidate", "An entry a cleanup would remove",
          new String[] {"path", "policy", "bytes", "reason", "freeAfter", "action", "gain"},
          new String[] {"Absolute path", "Policy that releases it", "Bytes the entry holds (what deleting it frees)",
              "Why it may go", "Free bytes expected after acting on it and those before it",
              "delete, compress or move", "Bytes the action is expected to free on this volume"},
          new OpenType<?>[] {SimpleType.STRING, SimpleType.STRING, SimpleType.LONG, SimpleType.STRING,
              SimpleType.LONG, SimpleType.STRING, SimpleType.LONG});
      GIT_GC = new CompositeType("GitGc", "One git gc", GIT_GC_ITEMS,
          new String[] {"Repository", "done, refused or failed", "Why refused or failed", "Start (ISO-8601)",
              "Seconds taken", "Bytes of loose objects before", "... after", "Bytes of packed objects before",
              "... after", "Bytes of the git directory before", "... after",
              "Bytes of leftover temporary packs removed first", "Free bytes gained on the volume"},
          new OpenType<?>[] {SimpleType.STRING, SimpleType.STRING, SimpleType.STRING, SimpleType.STRING,
              SimpleType.DOUBLE, SimpleType.LONG, SimpleType.LONG, SimpleType.LONG, SimpleType.LONG, SimpleType.LONG,
              SimpleType.LONG, SimpleType.LONG, SimpleType.LONG});
      PLAN = new TabularType("Plan", "Candidates in removal order", CANDIDATE, new String[] {"path"});
    } catch (OpenDataException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private OpenData() {}

  static CompositeData cleanup(SweepReport r) {
    try {
      return new CompositeDataSupport(CLEANUP,
          new String[] {"start", "end", "bytesFreed", "freeBefore", "freeAfter", "removed", "failed", "state"},
          new Object[] {r.start().toString(), r.end().toString(), r.bytesFreed(), r.freeBefore(), r.freeAfter(),
              r.removed().size(), r.failed().size(), r.state().name()});
    } catch (OpenDataException e) {
      throw new IllegalStateException(e);
    }
  }

  static CompositeData gitGc(GitGcReport r) {
    try {
      return new CompositeDataSupport(GIT_GC, GIT_GC_ITEMS, new Object[] {r.repo(), r.outcome().key(), r.reason(),
          r.start().toString(), r.took().toMillis() / 1000.0, r.looseBefore(), r.looseAfter(), r.packedBefore(),
          r.packedAfter(), r.gitDirBefore(), r.gitDirAfter(), r.tempPacksRemoved(), r.volumeFreed()});
    } catch (OpenDataException e) {
      throw new IllegalStateException(e);
    }
  }

  static TabularData plan(Plan plan) {
    TabularDataSupport table = new TabularDataSupport(PLAN);
    long free = plan.usage().free();
    for (Candidate c : plan.candidates()) {
      free = Math.min(plan.usage().total(), free + c.gain());
      try {
        table.put(new CompositeDataSupport(CANDIDATE,
            new String[] {"path", "policy", "bytes", "reason", "freeAfter", "action", "gain"},
            new Object[] {c.path().toString(), c.policy(), c.bytes(), c.reason(), free, c.action().key(), c.gain()}));
      } catch (OpenDataException e) {
        throw new IllegalStateException(e);
      }
    }
    return table;
  }
}
