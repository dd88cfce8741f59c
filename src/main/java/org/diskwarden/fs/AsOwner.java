package org.diskwarden.fs;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs work on a thread of its own whose filesystem credentials are one user's: its fsuid, fsgid and
 * supplementary groups are set with raw system calls, which change the calling thread only (glibc's
 * {@code setgroups} and {@code setresuid} would change every thread of the agent). When the fsuid
 * goes from 0 to another uid, the kernel takes {@code CAP_DAC_OVERRIDE}, {@code CAP_DAC_READ_SEARCH},
 * {@code CAP_FOWNER}, {@code CAP_CHOWN} and the other file capabilities out of that thread's effective
 * set, so every path opened there (by a library that knows nothing of descriptors, such as JGit) is
 * checked with exactly that user's rights, and what it creates is that user's. The thread is made for
 * one piece of work and ends with it: if the credentials cannot be put back, the thread throws an
 * {@link Error}, runs nothing else, and the caller gets the failure.
 */
public final class AsOwner {
  private AsOwner() {}

  /** Raw system calls: the per-thread ones, never glibc's wrappers that broadcast to all threads. */
  interface Sys extends Library {
    long syscall(long number, long arg) throws LastErrorException;

    long syscall(long number, long count, int[] list) throws LastErrorException;
  }

  /** Numbers of setgroups, getgroups, setfsuid and setfsgid: x86-64, then arm64 (asm-generic). */
  private enum Numbers {
    X86_64(116, 115, 122, 123),
    ARM64(159, 158, 151, 152);

    final long setgroups;
    final long getgroups;
    final long setfsuid;
    final long setfsgid;

    Numbers(long setgroups, long getgroups, long setfsuid, long setfsgid) {
      this.setgroups = setgroups;
      this.getgroups = getgroups;
      this.setfsuid = setfsuid;
      this.setfsgid = setfsgid;
    }

    static Numbers current() {
      return switch (Libc.Arch.current()) {
        case X86_64 -> X86_64;
        case ARM64 -> ARM64;
        default -> null;
      };
    }
  }

  private static final Numbers NR = Numbers.current();
  private static final Sys SYS = NR == null ? null : Native.load("c", Sys.class);

  /**
   * Runs {@code work} on a new thread named {@code name} whose filesystem uid and gid are {@code uid}
   * and {@code gid} (its only group) and waits for it. With {@code uid} 0 the work runs as root, on
   * its own thread all the same.
   *
   * @throws ExecutionException what the work threw, or why its credentials could not be set or put back
   * @throws InterruptedException when the caller is interrupted while waiting (the work is interrupted too)
   */
  public static <T> T call(int uid, int gid, String name, Callable<T> work)
      throws ExecutionException, InterruptedException {
    FutureTask<T> task = new FutureTask<>(() -> {
      Before before = switchTo(uid, gid);
      try {
        return work.call();
      } finally {
        restore(before);
      }
    });
    Thread thread = new Thread(task, name);
    // A stop abandons it like the lane's own worker: it must not hold the JVM open.
    thread.setDaemon(true);
    thread.start();
    try {
      return task.get();
    } catch (InterruptedException e) {
      task.cancel(true);
      throw e;
    }
  }

  /** The filesystem uid of the calling thread. */
  public static int fsuid() {
    // An invalid uid changes nothing and returns the current one.
    return (int) sys().syscall(NR.setfsuid, -1);
  }

  /** The filesystem gid of the calling thread. */
  public static int fsgid() {
    return (int) sys().syscall(NR.setfsgid, -1);
  }

  /** What the thread had before: its groups, fsuid and fsgid; null when nothing was changed. */
  private record Before(int[] groups, int uid, int gid) {}

  private static Before switchTo(int uid, int gid) {
    Sys sys = sys();
    Before before = new Before(groups(sys), fsuid(), fsgid());
    if (uid == before.uid() && gid == before.gid()) {
      return null;
    }
    sys.syscall(NR.setgroups, 1, new int[] {gid});
    sys.syscall(NR.setfsgid, gid);
    sys.syscall(NR.setfsuid, uid);
    if (fsuid() != uid || fsgid() != gid) {
      restore(before);
      throw new IllegalStateException("cannot take the filesystem ids " + uid + ":" + gid + " (the thread has "
          + fsuid() + ":" + fsgid() + "): the agent must run as root to act as a tree's owner");
    }
    return before;
  }

  private static int[] groups(Sys sys) {
    int count = (int) sys.syscall(NR.getgroups, 0, null);
    int[] groups = new int[count];
    if (count > 0) {
      sys.syscall(NR.getgroups, count, groups);
    }
    return groups;
  }

  private static void restore(Before before) {
    if (before == null) {
      return;
    }
    Sys sys = sys();
    sys.syscall(NR.setfsuid, before.uid());
    sys.syscall(NR.setfsgid, before.gid());
    sys.syscall(NR.setgroups, before.groups().length, before.groups().length == 0 ? null : before.groups());
    if (fsuid() != before.uid() || fsgid() != before.gid()
        || !java.util.Arrays.equals(groups(sys), before.groups())) {
      throw new Error("filesystem ids of thread " + Thread.currentThread().getName() + " stay " + fsuid() + ":"
          + fsgid() + " after the work: the thread ends here and runs nothing else");
    }
  }

  private static Sys sys() {
    if (SYS == null) {
      throw new IllegalStateException("per-thread credentials need Linux on x86-64 or arm64; refusing");
    }
    return SYS;
  }
}
