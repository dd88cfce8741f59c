package org.diskwarden.config;

/**
 * {@code audit:} how the audit log rotates.
 *
 * @param maxSize bytes after which {@code audit.jsonl} is rotated (gzipped to {@code audit.jsonl.1.gz})
 * @param keep rotated files kept; older ones are deleted
 */
public record AuditConfig(long maxSize, int keep) {
  public static final long DEFAULT_MAX_SIZE = 64L << 20;
  public static final int DEFAULT_KEEP = 12;

  public static AuditConfig defaults() {
    return new AuditConfig(DEFAULT_MAX_SIZE, DEFAULT_KEEP);
  }
}
