#!/usr/bin/env bash
# Does JGit's gc of a 1 GB repository fit in bin/diskwarden's default heap? Builds a repository of
# ~1 GB (ten 60 MB random blobs, 2,000 files of 200 KB), runs bin/diskwarden git-gc with the default
# DISKWARDEN_HEAP, prints the time and peak RSS, and checks the result with git fsck.
#   bench/gc-1gb.sh [--aggressive]
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
bin="$here/../bin/diskwarden"
aggressive=false
[ "${1:-}" = "--aggressive" ] && aggressive=true
w="$(mktemp -d "${TMPDIR:-/tmp}/diskwarden-gc1gb.XXXXXX")"
trap 'rm -rf "$w"' EXIT
mkdir -p "$w/base"
(
  cd "$w/base"
  git init -q -b main repo && cd repo
  git config user.email b@example.com && git config user.name bench && git config gc.auto 0
  for i in $(seq 1 10); do head -c 62914560 /dev/urandom >"big$i.bin"; git add "big$i.bin"; git commit -q -m "big $i"; done
  mkdir med
  for i in $(seq 1 2000); do head -c 204800 /dev/urandom >"med/m$i.bin"; done
  git add med && git commit -q -m med
)
printf 'base_dir: %s\nmin_free: 0B\nmin_free_percent: 0\nsave_headroom: 0\npolicies: []\ngit:\n  repos: [repo]\n  gc: never\n  aggressive: %s\n' \
  "$w/base" "$aggressive" >"$w/gc.yml"
echo "repository: $(du -sh "$w/base/repo/.git" | cut -f1), heap: ${DISKWARDEN_HEAP:-default}, aggressive: $aggressive"
DISKWARDEN_LOG_DIR="$w/logs" DISKWARDEN_RUN_DIR="$w/run" /usr/bin/time -f "%e s wall, peak RSS %M kB" \
  "$bin" git-gc --config "$w/gc.yml"
git -C "$w/base/repo" fsck --full --no-dangling && echo "git fsck --full: clean"
