# Environment for bin/diskwarden; sourced by the script. Every setting is optional.

# JAVA_HOME: the JDK to run with (default: java on PATH).
# JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64

# DISKWARDEN_HEAP: heap flags. The agent holds a plan and a few records; 256 MB is ample.
DISKWARDEN_HEAP="${DISKWARDEN_HEAP:--Xms32m -Xmx256m}"

# DISKWARDEN_JAVA_OPTS: further JVM flags, appended last.
# DISKWARDEN_JAVA_OPTS=""

# DISKWARDEN_LOG_DIR: where diskwarden.log and audit.jsonl go (default: logs/ under the install dir).
# DISKWARDEN_LOG_DIR=/var/log/diskwarden
