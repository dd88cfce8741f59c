#!/usr/bin/env bash
# The agent at rest for a long while, everything on (email, two webhooks, metrics, remote JMX on
# loopback), checking and sampling every second: RSS every minute, heap after a full GC at minute 5 and
# at the end, and where the JVM's memory goes (native memory tracking) at the end.
#
#   bench/soak.sh [--minutes 60]
#
# Goal (issue "A git gc that always frees space, and the cost of the agent"): RSS at the end within
# 2 MB of minute 5, heap after full GC flat. Not run by CI (it takes the minutes it is given).
set -euo pipefail

minutes=60
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    *) echo "bench/soak.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
bin="$here/../bin/diskwarden"
work="$(mktemp -d "${TMPDIR:-/tmp}/diskwarden-soak.XXXXXX")"
export DISKWARDEN_LOG_DIR="$work/logs" DISKWARDEN_RUN_DIR="$work/run"
trap '"$bin" stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
mkdir -p "$work/base/models/versions/v001"
# shellcheck source=bench/outlets.sh
. "$here/outlets.sh"
all_outlets
cat >"$work/soak.yml" <<YAML
base_dir: $work/base
min_free: 1GB
min_free_percent: 0
check_interval: 1s
sample_interval: 1s
protect: []
policies:
  - {name: versions, path: models/versions, keep_latest: 2}
$OUTLETS_YAML
YAML
DISKWARDEN_OPTS="${DISKWARDEN_OPTS:-} -XX:NativeMemoryTracking=summary" DISKWARDEN_JMX_PORT="$OUTLETS_JMX_PORT" \
  DISKWARDEN_JMX_AUTH=false "$bin" start --config "$work/soak.yml" >/dev/null 2>&1
pid="$(cat "$work/run/diskwarden.pid")"
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
heap() {
  jcmd "$pid" GC.run >/dev/null
  sleep 2
  jcmd "$pid" GC.heap_info | awk '/generation/ {for (i = 1; i <= NF; i++) if ($i == "used") printf "%s %s ", $1, $(i + 1)}'
}
echo "diskwarden soak: $minutes minutes, pid $pid"
for m in $(seq 1 "$minutes"); do
  sleep 60
  echo "minute $m: RSS $(rss) kB"
  if [ "$m" -eq 5 ]; then rss5=$(rss); echo "minute 5 heap after full GC: $(heap)"; fi
done
end=$(rss)
echo "end heap after full GC: $(heap)"
echo "RSS minute 5: ${rss5:-?} kB; end: $end kB; growth: $(( end - ${rss5:-$end} )) kB (goal: within 2048 kB)"
jcmd "$pid" VM.native_memory summary | grep -E "^(Total|-)"
