package org.diskwarden.archive;

import java.io.IOException;

/**
 * An entry the agent will not archive or copy, by policy: a member owned by someone other than the
 * entry's owner, or a regular file with more than one link. An archive or copy would hand its bytes
 * to the entry's owner (whose the archive is) although they may not have been able to read them
 * before (a root-only file placed or hard-linked into their tree). The entry is skipped, with this
 * reason in the report; nothing of it was kept.
 */
public final class Unkeepable extends IOException {
  private static final long serialVersionUID = 1L;

  Unkeepable(String why) {
    super(why);
  }
}
