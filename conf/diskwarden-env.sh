# Environment for bin/diskwarden; sourced by the script. Every setting is optional; a value already
# in the environment wins over the default written here.

# JAVA_HOME: the JDK to run with (default: java on PATH).
# JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64

# umask: what the agent and this script create is readable by its owner and group only: the audit
# log, diskwarden.log, diskwarden.out, watchdog.log and the run dir's files 0640, the log and run dirs
# 0750 (the agent also asks for these modes itself). Archives and moved copies take their entry's own
# modes and owner, never wider.
umask 027

# DISKWARDEN_HEAP: heap, GC and JIT flags, chosen for a small idle footprint (bench/README.md):
# the agent holds a plan and a few records (about 7 MB live); the serial GC with low free ratios
# gives memory back (-Xms4m saves ~2 MB idle but makes sizing 200,000 files ~30% slower); C1 only
# (TieredStopAtLevel=1) compiles fast and small: one-shot commands warm up sooner and the idle agent
# keeps no C2 compiler or large code cache (long runs such as a plan of 100,000 logs take ~20%
# longer). JGit's gc of a large repository needs more heap: raise -Xmx for big repositories (an
# OutOfMemoryError in gc is reported as a failure; the agent carries on).
DISKWARDEN_HEAP="${DISKWARDEN_HEAP:--Xms16m -Xmx256m -XX:+UseSerialGC -XX:MinHeapFreeRatio=5 -XX:MaxHeapFreeRatio=10 -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=16m}"

# DISKWARDEN_AGENT_JVM: flags added for the agent only (run, start), after DISKWARDEN_HEAP: its idle
# footprint. A 2 MB young generation, one C1 compiler thread and a compile threshold of 2,000 calls keep
# the agent with every outlet on and Prometheus scraping under 80 MB (bench/run.sh, idle rows; ~84 MB
# without them). The cost: a git gc run by the agent collects more often than the git-gc command's
# (-Xmn64m), and the agent's first sweep of a large tree runs longer interpreted. Empty = none.
# DISKWARDEN_AGENT_JVM="-Xms8m -Xmn2m -XX:CICompilerCount=1 -XX:Tier3InvocationThreshold=2000 -XX:Tier3MinInvocationThreshold=1000 -XX:Tier3CompileThreshold=20000"

# DISKWARDEN_NICE: niceness of the agent started by run/start (default 10; 0 = none), so the agent and
# JGit's CPU-heavy gc yield to training.
# DISKWARDEN_NICE=10

# DISKWARDEN_IONICE: I/O class of the agent started by run/start: idle (default; the disk serves it when
# nobody else wants it, under the BFQ scheduler) or none.
# DISKWARDEN_IONICE=idle

# DISKWARDEN_OPTS: further JVM flags.
# DISKWARDEN_OPTS=""

# DISKWARDEN_LOG_DIR: diskwarden.log, audit.jsonl, watchdog.log (default: logs/ under the install dir).
# DISKWARDEN_LOG_DIR=/var/log/diskwarden

# DISKWARDEN_RUN_DIR: pid, ready and state files (default: run/ under the install dir).
# DISKWARDEN_RUN_DIR=/run/diskwarden

# DISKWARDEN_STOP_TIMEOUT: seconds bin/diskwarden stop waits for a clean shutdown before SIGKILL (default 30,
# 1 to 86400). The agent bounds its own stop by it: a third for a running check, and it halts at 5/6.
# DISKWARDEN_STOP_TIMEOUT=30

# Remote JMX (off unless the port is set). The agent serves its own connector (registry and server on
# this one port) bound to DISKWARDEN_JMX_HOST (default 127.0.0.1), with password authentication from
# conf/jmxremote.password + conf/jmxremote.access (copy the templates, set the passwords, chmod 600 the
# password file) and per-role authorization: monitorRole reads, controlRole writes only in the
# org.diskwarden domain, no role reaches the JVM's file-writing diagnostics unless an adminRole is
# configured. DISKWARDEN_JMX_AUTH=false only for local testing.
# DISKWARDEN_JMX_PORT=9010
# DISKWARDEN_JMX_HOST=127.0.0.1
# DISKWARDEN_JMX_AUTH=true

# TLS for remote JMX, required when DISKWARDEN_JMX_HOST is not a loopback address: a keystore and a
# file (chmod 600) holding its password. Make them once:
#   keytool -genkeypair -alias jmx -keyalg RSA -keysize 3072 -validity 825 -dname CN=trainbox-1 \
#     -ext SAN=dns:trainbox-1 -keystore conf/jmx.p12 -storetype PKCS12
#   keytool -exportcert -alias jmx -keystore conf/jmx.p12 -file jmx.crt        # give jmx.crt to clients
#   keytool -importcert -alias trainbox-1 -file jmx.crt -keystore ~/jmx-trust.p12   # on each client
#   jconsole -J-Djavax.net.ssl.trustStore=$HOME/jmx-trust.p12 -J-Djavax.net.ssl.trustStorePassword=... \
#     service:jmx:rmi:///jndi/rmi://trainbox-1:9010/jmxrmi
# DISKWARDEN_JMX_KEYSTORE=/opt/diskwarden/conf/jmx.p12
# DISKWARDEN_JMX_KEYSTORE_PASSWORD_FILE=/opt/diskwarden/conf/jmx.p12.pass
# DISKWARDEN_JMX_INSECURE=false     # true: a plain connector on a non-loopback address (passwords in the clear)
