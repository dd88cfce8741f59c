package org.diskwarden.jmx;

/**
 * Every watched directory of one agent ({@code watch:}), {@code org.diskwarden:type=Agents}: each
 * watch's state, and a cleanup of one by name. Each watch has its own {@code type=Agent,watch=NAME}.
 */
@Description("diskwarden: the directories this agent guards (watch:)")
public interface AgentsMXBean {
  @Description("The watches, in the config file's order")
  String[] getWatches();

  @Description("One line per watch: its name, state and free space, as bin/diskwarden check prints it")
  String[] getStates();

  @Description("One cleanup of the watch named, now, on its worker; says what it freed (or why not)")
  String runCleanupNow(@Description("the watch's name") String watch);
}
