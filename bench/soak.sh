#!/usr/bin/env bash
# The agent at rest for a long while, everything on (email, two webhooks, metrics, remote JMX on
# loopback), checking and sampling every second, /metrics scraped every 15 s as Prometheus scrapes it:
# RSS every minute, heap after a full GC at minute 5 and at the end, and where the JVM's memory goes
# (native memory tracking) at the end.
#
#   bench/soak.sh [--minutes 60] [--scrape SECONDS] [--interval DURATION] [--no-nmt]
#
# --interval: check_interval and sample_interval (default 1s: a leak shows sooner); --no-nmt: without
# native memory tracking, whose own tables and malloc headers add a few MB to RSS (then no breakdown).
#
# Goals (issues "A git gc that always frees space, and the cost of the agent" and "The agent's cost"):
# RSS at the end within 2 MB of minute 5 and at most 80 MB, heap after full GC flat, every scrape
# answered. Not run by CI (it takes the minutes it is given).
set -euo pipefail

minutes=60 scrape=15 interval=1s nmt=-XX:NativeMemoryTracking=summary
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --scrape) scrape="$2"; shift 2 ;;
    --interval) interval="$2"; shift 2 ;;
    --no-nmt) nmt=; shift ;;
    *) echo "bench/soak.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
bin="$here/../bin/diskwarden"
work="$(mktemp -d "${TMPDIR:-/tmp}/diskwarden-soak.XXXXXX")"
export DISKWARDEN_LOG_DIR="$work/logs" DISKWARDEN_RUN_DIR="$work/run"
scraper=
trap '[ -z "$scraper" ] || kill "$scraper" 2>/dev/null || true; "$bin" stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
mkdir -p "$work/base/models/versions/v001"
# shellcheck source=bench/outlets.sh
. "$here/outlets.sh"
all_outlets
cat >"$work/soak.yml" <<YAML
base_dir: $work/base
min_free: 1GB
min_free_percent: 0
check_interval: $interval
sample_interval: $interval
protect: []
policies:
  - {name: versions, path: models/versions, keep_latest: 2}
$OUTLETS_YAML
YAML
DISKWARDEN_OPTS="${DISKWARDEN_OPTS:-} $nmt" DISKWARDEN_JMX_PORT="$OUTLETS_JMX_PORT" \
  DISKWARDEN_JMX_AUTH=false "$bin" start --config "$work/soak.yml" >/dev/null 2>&1
pid="$(cat "$work/run/diskwarden.pid")"
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
# resident memory by kind: anonymous (heap, metaspace, malloc, stacks) and file-backed (libjvm, the CDS archive, jars)
kinds() { awk '/RssAnon|RssFile|RssShmem/ {printf "%s %s kB ", $1, $2}' "/proc/$pid/status"; }
heap() {
  jcmd "$pid" GC.run >/dev/null
  sleep 2
  jcmd "$pid" GC.heap_info | awk '/generation/ {for (i = 1; i <= NF; i++) if ($i == "used") printf "%s %s ", $1, $(i + 1)}'
}
echo "diskwarden soak: $minutes minutes, pid $pid, checks every $interval, /metrics scraped every ${scrape}s${nmt:+, $nmt}"
# the scraper: each answer counted, each failure too (a scrape that fails is a finding, not noise)
(
  ok=0 failed=0
  while :; do
    if curl -fsS -o /dev/null --max-time 10 "http://127.0.0.1:$OUTLETS_METRICS_PORT/metrics"; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
    printf '%s %s\n' "$ok" "$failed" >"$work/scrapes"
    sleep "$scrape"
  done
) &
scraper=$!
for m in $(seq 1 "$minutes"); do
  sleep 60
  echo "minute $m: RSS $(rss) kB ($(kinds))"
  if [ "$m" -eq 5 ]; then rss5=$(rss); echo "minute 5 heap after full GC: $(heap)"; fi
done
end=$(rss)
echo "end heap after full GC: $(heap)"
read -r scraped failed <"$work/scrapes"
echo "scrapes of /metrics: $scraped answered, $failed failed"
echo "RSS minute 5: ${rss5:-?} kB; end: $end kB; growth: $(( end - ${rss5:-$end} )) kB (goal: within 2048 kB; at most 78125 kB = 80 MB)"
[ -z "$nmt" ] || jcmd "$pid" VM.native_memory summary | grep -E "^(Total|-)"
