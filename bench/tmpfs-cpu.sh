#!/usr/bin/env bash
# CPU seconds of `bin/diskwarden clean --force` beside `rm -rf` on the bench's tmpfs tree (210,000
# files: make_tree.py files --files 200000 --dirs 20000), with `--version` for the JVM's start.
# On tmpfs both are CPU-bound: the clean's CPU minus the start, over the cores, bounds its wall time
# from below. Needs root (mount). Usage: bench/tmpfs-cpu.sh [ROUNDS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$here/../bin/diskwarden"
rounds="${1:-3}"
w="$(mktemp -d "${TMPDIR:-/tmp}/diskwarden-tmpfs-cpu.XXXXXX")"
mkdir -p "$w/t"
mount -t tmpfs -o size=8g diskwarden-tmpfs-cpu "$w/t"
cleanup() {
  umount "$w/t" 2>/dev/null || true
  rm -rf "$w"
}
trap cleanup EXIT
python3 "$here/make_tree.py" files "$w/t/template" --files 200000 --dirs 20000 --seed 42 >/dev/null
find "$w/t/template" -exec touch -h -d '2 days ago' {} +
{
  printf 'base_dir: %s\nmin_free: 0B\nmin_free_percent: 0\nmin_age: 1s\ncleanup_mode: full\nsave_headroom: 0\n' "$w/t/base"
  printf 'policies:\n  - name: versions\n    path: v\n    keep_latest: 1\n'
} >"$w/c.yml"
export DISKWARDEN_LOG_DIR="$w/log" DISKWARDEN_RUN_DIR="$w/run"
prepare() {
  rm -rf "$w/t/base"
  mkdir -p "$w/t/base/v/new"
  cp -a "$w/t/template" "$w/t/base/v/old"
  touch -d '1 day ago' "$w/t/base/v/new"
}
for ((r = 1; r <= rounds; r++)); do
  prepare
  /usr/bin/time -f "rm -rf         wall %e user %U sys %S" rm -rf "$w/t/base/v/old"
  prepare
  /usr/bin/time -f "clean --force  wall %e user %U sys %S" "$bin" clean --force --config "$w/c.yml" >/dev/null
  [ ! -e "$w/t/base/v/old" ] || { echo "bench/tmpfs-cpu.sh: clean left v/old" >&2; exit 1; }
  /usr/bin/time -f "--version      wall %e user %U sys %S" "$bin" --version >/dev/null
done
