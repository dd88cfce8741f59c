#!/usr/bin/env bash
# diskwarden benchmarks: each row measured side by side in the same run, median of --runs runs after
# a warm-up, caches warm. Prints one table.
#
#   bench/run.sh [--quick] [--files N] [--dirs N] [--runs N] [--seed N] [--idle SECONDS] [--soak SECONDS] [--compress-mb N]
#                [--only scan,remove,tmpfs,writer,gc,compress,plan,check,idle,gc-aggressive]
#
# gc-aggressive (JGit with aggressive: true, beside the gc rows) is not in the default set: it takes minutes.
#
# --quick: tiny trees, 1 run, a few seconds of idle (what CI runs to keep the script working).
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
home="$(cd "$here/.." && pwd)"
bin="$home/bin/diskwarden"
files=200000 dirs=20000 runs=5 seed=42 idle=60 settle=2 soak=10 versions=1000 logs=100000 compress_mb=512 only=",scan,remove,tmpfs,writer,gc,compress,plan,check,idle,"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) files=2000 dirs=200 runs=1 idle=1 settle=1 soak=0 versions=50 logs=1000 compress_mb=8; shift ;;
    --files) files="$2"; shift 2 ;;
    --dirs) dirs="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --idle) idle="$2"; shift 2 ;;
    --soak) soak="$2"; shift 2 ;;
    --compress-mb) compress_mb="$2"; shift 2 ;;
    --only) only=",$2,"; shift 2 ;;
    *) echo "bench/run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

work="$(mktemp -d "${TMPDIR:-/tmp}/diskwarden-bench.XXXXXX")"
holders=()
cleanup() {
  local m
  [ "${#holders[@]}" -eq 0 ] || kill "${holders[@]}" 2>/dev/null || true
  for m in rm tmpfs w; do umount "$work/$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
export DISKWARDEN_LOG_DIR="$work/logs" DISKWARDEN_RUN_DIR="$work/run"
# a jar older than the sources would measure old code
if [ ! -f "$home/target/diskwarden.jar" ] || [ -n "$(find "$home/src" -newer "$home/target/diskwarden.jar" -print -quit)" ]; then
  (cd "$home" && mvn -q -B -DskipTests package) >&2
fi
# the JMH harness lives in the test classes and runs on the test classpath
if [ ! -f "$home/target/test-classpath.txt" ] || [ "$home/pom.xml" -nt "$home/target/test-classpath.txt" ]; then
  (cd "$home" && mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt) >&2
fi
jmh_iterations=(-wi 2 -w 1s -i 5 -r 1s)
# --quick keeps the harness working on a small tree (the row then says so)
[ "$runs" -gt 1 ] || jmh_iterations=(-wi 0 -i 1 -r 1s -p files=2000)
# Score of one JMH benchmark (its unit is the benchmark's own), one fork after warm-up iterations.
jmh() {
  java --add-opens java.base/sun.nio.fs=ALL-UNNAMED -cp "$home/target/test-classes:$home/target/classes:$(cat "$home/target/test-classpath.txt")" \
    org.openjdk.jmh.Main "$1" -f 1 "${jmh_iterations[@]}" -rf csv -rff "$work/jmh.csv" >"$work/jmh.log" 2>&1 \
    || { cat "$work/jmh.log" >&2; exit 1; }
  awk -F, 'NR == 2 {printf "%.3f", $5}' "$work/jmh.csv"
}

# Prints the median of the microsecond times given (in seconds) and leaves "min-max s" of them in
# $work/spread for the row that quotes the range (spread, right after the timed call).
summarize() {
  printf '%s\n' "$@" | sort -n | awk -v out="$work/spread" '{a[NR]=$1}
    END {printf "%.3f", a[int((NR+1)/2)]/1e6; printf "%.3f-%.3f s", a[1]/1e6, a[NR]/1e6 >out}'
}
# The range of the last median's runs ("min-max s", or "one run" with --runs 1).
spread() { [ "$runs" -gt 1 ] && cat "$work/spread" || echo "one run"; }

# Median wall seconds of "$@" over $runs runs after one warm-up; stdout of the command is discarded.
# The warm-up must succeed: a failing command would be timed as a fast one.
median() {
  local times=() i start end
  if ! "$@" >"$work/warmup.out" 2>&1; then
    echo "bench/run.sh: '$*' failed:" >&2
    cat "$work/warmup.out" >&2
    exit 1
  fi
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=("$(((end - start) / 1000))")
  done
  summarize "${times[@]}"
}

# Median seconds of one prepared run: "$1" prepares (untimed), "$2..." is timed. At most three runs
# after the warm-up: each needs a fresh copy of its fixture (a filesystem image, 210,000 files), and
# those copies, not the timed commands, are what would take the suite past its 15 minutes.
median_prepared() {
  local prepare="$1" times=() i start end prepared_runs=$((runs > 3 ? 3 : runs))
  shift
  for ((i = 0; i <= prepared_runs; i++)); do
    eval "$prepare"
    start=$(date +%s%N)
    if ! "$@" >"$work/run.out" 2>&1; then
      echo "bench/run.sh: '$*' failed:" >&2
      cat "$work/run.out" >&2
      exit 1
    fi
    end=$(date +%s%N)
    [ "$i" -eq 0 ] || times+=("$(((end - start) / 1000))")
  done
  summarize "${times[@]}"
}

# a config whose one policy keeps the newest 1 entry of base_dir/v and releases the rest at once
versions_conf() {
  printf 'base_dir: %s\nmin_free: 0B\nmin_free_percent: 0\nmin_age: 1s\ncleanup_mode: full\nsave_headroom: 0\n' "$1"
  printf 'policies:\n  - name: versions\n    path: v\n    keep_latest: 1\n'
}
want() { [[ "$only" == *",$1,"* ]]; }
# wall time of each section (fixtures included), printed after the table: the suite has a time budget
spent=() mark=$SECONDS
section() { spent+=("$1 $((SECONDS - mark))s"); mark=$SECONDS; }
row() { printf '| %-44s | %10s | %10s | %s\n' "$1" "$2" "$3" "$4"; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a - b}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2fx", a / b; else print "-"}'; }

echo "diskwarden bench: $files files in $dirs dirs, $runs run(s), seed $seed; $(nproc) cores, $(uname -r)"
echo "| measurement                                  |  seconds   | minus JVM  | vs"
echo "|----------------------------------------------|------------|------------|---"

start_jvm=$(median "$bin" --version)
row "JVM start (bin/diskwarden --version)" "$start_jvm" "" ""

section start
if want scan || want remove || want writer; then
tree="$work/tree"
python3 "$here/make_tree.py" files "$tree" --files "$files" --dirs "$dirs" --seed "$seed"
fi
if want scan; then
t_du_b=$(median du -sb "$tree")
t_du_s=$(median du -s "$tree")
t_dw=$(median "$bin" du "$tree")
row "scan: du -sb" "$t_du_b" "" ""
row "scan: du -s (allocated)" "$t_du_s" "" ""
row "scan: bin/diskwarden du" "$t_dw" "$(minus "$t_dw" "$start_jvm")" \
  "whole $(ratio "$t_dw" "$t_du_s") of du -s; minus start $(ratio "$(minus "$t_dw" "$start_jvm")" "$t_du_s")"
row "scan: JMH FootprintWalk, $([ "$runs" -gt 1 ] && echo 20,000 || echo 2,000) files (ms)" "$(jmh 'ScanBenchmark.measure')" "" "warm, in-process"
fi

section scan
if want remove; then
# remove: the tree as the one old candidate of a keep_latest 1 policy
conf="$work/remove.yml"
versions_conf "$work/rm" >"$conf"
# "old" is dated before "new" through and through, so keep_latest 1 keeps "new" and releases "old"
fixture_rm() {
  mkdir -p "$work/rm/v/new"
  cp -a "$tree" "$work/rm/v/old"
  find "$work/rm/v/old" -exec touch -h -d '2 days ago' {} +
  touch -d '1 day ago' "$work/rm/v/new"
}
# As root each run gets the same fresh ext4 (a loop-mounted copy of one image, mounted with the options
# of the filesystem below it, e.g. discard): after a few hundred thousand deletions this machine's root
# ext4 took 70-100 s to create the next copy (11 s on a fresh one), and the copies, not the removals,
# were most of the suite's time. Caches are warmed with du after mounting. Without root or loop
# devices the tree is copied into the work directory.
opts=$(findmnt -no OPTIONS --target "$work" 2>/dev/null | tr ',' '\n' | grep -x discard || true)
img="$work/rm-template.img"
loop_template() {
  [ "$(id -u)" = 0 ] && command -v mkfs.ext4 >/dev/null || return 1
  truncate -s "$(( $(du -sm "$tree" | cut -f1) * 2 + 256 ))M" "$img" &&
    mkfs.ext4 -q -F -N "$(( (files + dirs) * 11 / 10 + 1000 ))" -E lazy_itable_init=0,lazy_journal_init=0 "$img" &&
    mkdir -p "$work/rm" && mount -o "loop${opts:+,$opts}" "$img" "$work/rm" || return 1
  fixture_rm
  umount "$work/rm"
}
if loop_template 2>"$work/loop.err"; then
  prep_rm="umount '$work/rm' 2>/dev/null || true; cp --sparse=always '$img' '$work/rm.img';
    mount -o 'loop${opts:+,$opts}' '$work/rm.img' '$work/rm'; du -s '$work/rm' >/dev/null; sync"
  rm_where="fresh loop-mounted ext4${opts:+ ($opts)} per run"
else
  umount "$work/rm" 2>/dev/null || true
  # (synced so that neither removal competes with the copy's writeback)
  prep_rm="rm -rf '$work/rm'; fixture_rm; sync"
  rm_where="copied into $work"
fi
t_rm=$(median_prepared "$prep_rm" bash -c "rm -rf '$work/rm/v/old' && test ! -e '$work/rm/v/old'")
t_clean=$(median_prepared "$prep_rm" bash -c "'$bin' clean --force --config '$conf' && test ! -e '$work/rm/v/old'")
row "remove: rm -rf" "$t_rm" "" "$rm_where"
row "remove: bin/diskwarden clean --force" "$t_clean" "$(minus "$t_clean" "$start_jvm")" \
  "whole $(ratio "$t_clean" "$t_rm") of rm -rf; minus start $(ratio "$(minus "$t_clean" "$start_jvm")" "$t_rm")"
fi

section remove
if want tmpfs; then
# tmpfs: no device to wait on, so every microsecond is the program's. The issue's shape: 210,000 files
# in 10,500 directories as the one old candidate of a keep_latest 1 policy; then the same with 2,000
# processes holding 50 open files each (the plan reads every /proc/PID/fd).
if [ "$(id -u)" = 0 ]; then
  tfiles=$((runs > 1 ? 210000 : files)) tdirs=$((runs > 1 ? 10500 : dirs))
  mkdir -p "$work/tmpfs"
  mount -t tmpfs -o size=8g diskwarden-bench "$work/tmpfs"
  python3 "$here/make_tree.py" files "$work/tmpfs/template" --files "$tfiles" --dirs "$tdirs" --seed "$seed"
  find "$work/tmpfs/template" -exec touch -h -d '2 days ago' {} +
  tconf="$work/tmpfs.yml"
  versions_conf "$work/tmpfs/base" >"$tconf"
  prep_t="rm -rf '$work/tmpfs/base'; mkdir -p '$work/tmpfs/base/v/new'; cp -a '$work/tmpfs/template' '$work/tmpfs/base/v/old'; touch -d '1 day ago' '$work/tmpfs/base/v/new'"
  eval "$prep_t"
  t_tdu=$(median du -s "$work/tmpfs/base/v/old")
  t_tplan=$(median "$bin" plan --all --config "$tconf")
  t_trm=$(median_prepared "$prep_t" rm -rf "$work/tmpfs/base/v/old"); r_trm=$(spread)
  t_tclean=$(median_prepared "$prep_t" bash -c "'$bin' clean --force --config '$tconf' && test ! -e '$work/tmpfs/base/v/old'"); r_tclean=$(spread)
  row "tmpfs: du -s, ${tfiles} files" "$t_tdu" "" ""
  row "tmpfs: bin/diskwarden plan --all" "$t_tplan" "$(minus "$t_tplan" "$start_jvm")" \
    "minus start $(ratio "$(minus "$t_tplan" "$start_jvm")" "$t_tdu") of du -s (goal 1.0x)"
  row "tmpfs: rm -rf" "$t_trm" "" "runs $r_trm"
  row "tmpfs: bin/diskwarden clean --force" "$t_tclean" "$(minus "$t_tclean" "$start_jvm")" \
    "minus start $(ratio "$(minus "$t_tclean" "$start_jvm")" "$t_trm") of rm -rf (goal 1.0x); runs $r_tclean"
  # 2,000 processes holding 50 open files each (outside base_dir), as a busy box has them
  nproc_open=$((runs > 1 ? 2000 : 50))
  mkdir -p "$work/tmpfs/open"
  for i in $(seq 1 50); do : >"$work/tmpfs/open/f$i"; done
  redirs=""
  for i in $(seq 1 50); do redirs+=" $((i + 9))<'$work/tmpfs/open/f$i'"; done
  for i in $(seq 1 "$nproc_open"); do
    eval "sleep 3600 $redirs &"
    holders+=($!)
  done
  eval "$prep_t"
  t_tplan_p=$(median "$bin" plan --all --config "$tconf")
  t_tclean_p=$(median_prepared "$prep_t" bash -c "'$bin' clean --force --config '$tconf' && test ! -e '$work/tmpfs/base/v/old'")
  kill "${holders[@]}" 2>/dev/null || true
  wait "${holders[@]}" 2>/dev/null || true
  holders=()
  row "tmpfs: plan --all, ${nproc_open} procs x 50 open files" "$t_tplan_p" "$(minus "$t_tplan_p" "$start_jvm")" \
    "minus start $(ratio "$(minus "$t_tplan_p" "$start_jvm")" "$t_tdu") of du -s (goal 1.0x)"
  row "tmpfs: clean --force, ${nproc_open} procs x 50" "$t_tclean_p" "$(minus "$t_tclean_p" "$start_jvm")" \
    "minus start $(ratio "$(minus "$t_tclean_p" "$start_jvm")" "$t_trm") of rm -rf (goal 1.0x)"
  umount "$work/tmpfs"
else
  row "tmpfs: skipped" "" "" "needs root to mount a tmpfs"
fi
fi

section tmpfs
if want writer; then
# beside a training job: a writer streams a checkpoint (dd, fdatasync at the end) onto a fresh
# loop-mounted ext4 while clean --force plans and sweeps the 200,000-file tree on the same filesystem;
# the writer's MB/s alone, beside the sweep as the agent runs (nice 10, idle I/O class: bin/diskwarden
# run and the systemd unit) and beside the sweep at normal priority
if [ "$(id -u)" = 0 ] && command -v mkfs.ext4 >/dev/null; then
  ckpt_mb=$((runs > 1 ? 4096 : 64)) wruns=$((runs > 3 ? 3 : runs))
  wimg="$work/writer.img"
  truncate -s "$(( $(du -sm "$tree" | cut -f1) * 2 + ckpt_mb + 512 ))M" "$wimg"
  mkfs.ext4 -q -F -N "$(( (files + dirs) * 11 / 10 + 1000 ))" -E lazy_itable_init=0,lazy_journal_init=0 "$wimg"
  mkdir -p "$work/w"
  mount -o "loop${opts:+,$opts}" "$wimg" "$work/w"
  mkdir -p "$work/w/v/new" && cp -a "$tree" "$work/w/v/old"
  find "$work/w/v/old" -exec touch -h -d '2 days ago' {} + && touch -d '1 day ago' "$work/w/v/new"
  umount "$work/w"
  wconf="$work/writer.yml"
  versions_conf "$work/w" >"$wconf"
  fresh_w() { umount "$work/w" 2>/dev/null || true; cp --sparse=always "$wimg" "$work/w.img"
    mount -o "loop${opts:+,$opts}" "$work/w.img" "$work/w"; du -s "$work/w" >/dev/null; sync; }
  # MB/s of one checkpoint written beside "$@" (nothing when no arguments)
  write_beside() {
    local pid="" start end
    [ $# -eq 0 ] || { "$@" >"$work/writer-sweep.out" 2>&1 & pid=$!; }
    start=$(date +%s%N)
    dd if=/dev/zero of="$work/w/checkpoint.bin" bs=4M count=$((ckpt_mb / 4)) conv=fdatasync status=none
    end=$(date +%s%N)
    if [ -n "$pid" ] && ! wait "$pid"; then cat "$work/writer-sweep.out" >&2; exit 1; fi
    [ $# -eq 0 ] || [ ! -e "$work/w/v/old" ] || { echo "bench/run.sh: the sweep beside the writer left v/old" >&2; exit 1; }
    awk -v mb="$ckpt_mb" -v ns=$((end - start)) 'BEGIN {printf "%.0f\n", mb / (ns / 1e9)}'
  }
  # the three ways interleaved, wruns rounds, each write on a fresh filesystem (drift of the disk over
  # the minutes of the section falls on all three alike); the median of each
  median_of() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  alone=() niced=() plain=()
  for ((i = 0; i < wruns; i++)); do
    fresh_w; alone+=("$(write_beside)")
    fresh_w; niced+=("$(write_beside nice -n 10 ionice -c 3 "$bin" clean --force --config "$wconf")")
    fresh_w; plain+=("$(write_beside "$bin" clean --force --config "$wconf")")
  done
  w_alone=$(median_of "${alone[@]}") w_nice=$(median_of "${niced[@]}") w_plain=$(median_of "${plain[@]}")
  umount "$work/w"
  drop() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f%%", (a - b) * 100 / a}'; }
  sched=$(grep -o '\[[a-z-]*\]' "/sys/block/$(basename "$(findmnt -no SOURCE --target "$work" | sed 's#.*/##; s/[0-9]*$//')")/queue/scheduler" 2>/dev/null || echo '?')
  row "writer: ${ckpt_mb} MB checkpoint alone (MB/s)" "$w_alone" "" "runs ${alone[*]}; dd conv=fdatasync, fresh loop ext4; scheduler $sched"
  row "writer: beside clean, nice 10 + idle I/O" "$w_nice" "" "runs ${niced[*]}; drop $(drop "$w_alone" "$w_nice") (goal <= 10%)"
  row "writer: beside clean, normal priority" "$w_plain" "" "runs ${plain[*]}; drop $(drop "$w_alone" "$w_plain")"
else
  row "writer: skipped" "" "" "needs root and mkfs.ext4 for a loop-mounted ext4"
fi
fi

section writer
if want gc || want gc-aggressive; then
# git gc on a generated repository, a fresh copy for each run: the shape of one that has seen gc before
# (a history of source files, packed two hours ago, three 1 MB binaries and 100 commits loose since)
repo="$work/repo"
(
  git init -q -b main "$repo" && cd "$repo"
  git config user.email b@example.com && git config user.name bench && git config gc.auto 0
  commits=$((runs > 1 ? 3000 : 100)) loose=$((runs > 1 ? 100 : 10))
  python3 "$here/make_tree.py" history - --commits "$commits" --files 300 --seed "$seed" | git fast-import --quiet
  git reset -q --hard && git gc -q
  for i in $(seq 1 "$loose"); do echo "line $i" >>file.txt; git add file.txt; git commit -q -m "c$i"; done
  for i in 1 2 3; do
    python3 -c "import random, sys; sys.stdout.buffer.write(random.Random($seed + $i).randbytes(1 << 20))" >big.bin
    git add big.bin; git commit -q -m "big $i"
  done
  find .git/objects -type f -exec touch -d '2 hours ago' {} +
) >/dev/null
gcconf="$work/gc.yml"
printf 'base_dir: %s\nmin_free: 0B\nmin_free_percent: 0\nsave_headroom: 0\npolicies: []\ngit:\n  repos: [gc]\n  gc: never\n' "$work" >"$gcconf"
prep_gc="rm -rf '$work/gc'; cp -a '$repo' '$work/gc'"
size_after() { du -sb "$work/gc/.git" | cut -f1; }
t_git=$(median_prepared "$prep_gc" git -C "$work/gc" gc --quiet); s_git=$(size_after)
t_gita=$(median_prepared "$prep_gc" git -C "$work/gc" gc --quiet --aggressive); s_gita=$(size_after)
t_jgit=$(median_prepared "$prep_gc" "$bin" git-gc --config "$gcconf"); s_jgit=$(size_after)
row "git gc (C git)" "$t_git" "" ".git after: $s_git bytes"
row "git gc --aggressive (C git)" "$t_gita" "" ".git after: $s_gita bytes"
row "git gc (JGit, bin/diskwarden git-gc)" "$t_jgit" "$(minus "$t_jgit" "$start_jvm")" \
  "time $(ratio "$t_jgit" "$t_git") of git gc; .git after: $s_jgit bytes ($(ratio "$s_jgit" "$s_git"))"
# a repository as users have it: packed by a repack minutes ago (as a fetch, a push or an auto-gc
# leaves it), fifteen 2 MB binaries, loose commits since; nothing dated back
fresh="$work/fresh-repo"
(
  git init -q -b main "$fresh" && cd "$fresh"
  git config user.email b@example.com && git config user.name bench && git config gc.auto 0
  commits=$((runs > 1 ? 1500 : 100)) bins=$((runs > 1 ? 15 : 3)) loose=$((runs > 1 ? 60 : 10))
  python3 "$here/make_tree.py" history - --commits "$commits" --files 400 --seed "$seed" | git fast-import --quiet
  git reset -q --hard
  for i in $(seq 1 "$bins"); do
    python3 -c "import random, sys; sys.stdout.buffer.write(random.Random($seed + 100 + $i).randbytes(2 << 20))" >"bin$i.dat"
  done
  git add . && git commit -q -m bins && git repack -q -d
  for i in $(seq 1 "$loose"); do echo "line $i" >>file.txt; git add file.txt; git commit -q -m "c$i"; done
) >/dev/null
prep_fresh="rm -rf '$work/gc'; cp -a '$fresh' '$work/gc'"
s_fresh_before=$(du -sb "$fresh/.git" | cut -f1)
t_git_f=$(median_prepared "$prep_fresh" git -C "$work/gc" gc --quiet); r_git_f=$(spread); s_git_f=$(size_after)
t_jgit_f=$(median_prepared "$prep_fresh" "$bin" git-gc --config "$gcconf"); r_jgit_f=$(spread); s_jgit_f=$(size_after)
row "git gc, fresh packs (C git)" "$t_git_f" "" ".git $s_fresh_before -> $s_git_f bytes; runs $r_git_f"
row "git gc, fresh packs (JGit)" "$t_jgit_f" "$(minus "$t_jgit_f" "$start_jvm")" \
  "time $(ratio "$t_jgit_f" "$t_git_f") of git gc, minus start $(ratio "$(minus "$t_jgit_f" "$start_jvm")" "$t_git_f") (goal 3x); .git -> $s_jgit_f bytes ($(ratio "$s_jgit_f" "$s_git_f"); goal 1.1x); runs $r_jgit_f"
if want gc-aggressive; then
  printf '  aggressive: true\n' >>"$gcconf"
  t_jgita=$(median_prepared "$prep_gc" "$bin" git-gc --config "$gcconf"); s_jgita=$(size_after)
  row "git gc --aggressive (JGit)" "$t_jgita" "$(minus "$t_jgita" "$start_jvm")" \
    "time $(ratio "$t_jgita" "$t_gita") of git gc --aggressive; .git after: $s_jgita bytes ($(ratio "$s_jgita" "$s_gita"))"
fi
fi

section gc
if want compress; then
# compress: a backup of half training-log text, half float32 weights (the shape of a checkpoint folder)
cdata="$work/cdata/b_20200101"
python3 - "$cdata" "$compress_mb" "$seed" <<'PY'
import os, random, struct, sys
out, mb, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(seed)
os.makedirs(out, exist_ok=True)
half = mb * 1024 * 1024 // 2
with open(os.path.join(out, "train.log"), "w") as f:
    n = 0
    while n < half:
        line = "step %d loss %.6f lr %.2e grad_norm %.4f\n" % (n, rnd.random(), rnd.random() / 1000, rnd.random() * 10)
        f.write(line)
        n += len(line)
with open(os.path.join(out, "weights.bin"), "wb") as f:
    chunk = 1 << 20
    for _ in range(half // chunk):
        f.write(struct.pack("<%df" % (chunk // 4), *(rnd.gauss(0, 0.02) for _ in range(chunk // 4))))
PY
cconf="$work/compress.yml"
printf 'base_dir: %s
min_free: 0B
min_free_percent: 0
min_age: 1s
cleanup_mode: full
save_headroom: 0
policies:
  - name: backups
    path: b
    keep_latest: 1
    action: compress
    compress_level: 3
    min_ratio_gain: 0
' "$work/c" >"$cconf"
prep_c="rm -rf '$work/c'; mkdir -p '$work/c/b/b_20200102'; cp -a '$cdata' '$work/c/b/';
  find '$work/c/b/b_20200101' -exec touch -h -d '2 days ago' {} +; touch -d '1 day ago' '$work/c/b/b_20200102'"
t_tz=$(median_prepared "$prep_c" bash -c "tar -cf - -C '$work/c/b' b_20200101 | zstd -3 -q -o '$work/c/b/b.tar.zst'")
t_tz2=$(median_prepared "$prep_c" bash -c "tar -cf - -C '$work/c/b' b_20200101 | zstd -3 -T2 -q -o '$work/c/b/b.tar.zst'")
t_dwc=$(median_prepared "$prep_c" bash -c "'$bin' clean --force --config '$cconf' >/dev/null && test -f '$work/c/b/b_20200101.tar.zst' && test ! -e '$work/c/b/b_20200101'")
mbps() { awk -v mb="$compress_mb" -v t="$1" 'BEGIN {if (t > 0) printf "%.0f MB/s", mb / t; else print "-"}'; }
row "compress ${compress_mb} MB: tar | zstd -3" "$t_tz" "" "$(mbps "$t_tz")"
row "compress ${compress_mb} MB: tar | zstd -3 -T2" "$t_tz2" "" "$(mbps "$t_tz2")"
row "compress ${compress_mb} MB: bin/diskwarden clean" "$t_dwc" "$(minus "$t_dwc" "$start_jvm")" \
  "$(mbps "$(minus "$t_dwc" "$start_jvm")") minus start, incl. fsync + read-back verify + removal; $(ratio "$(minus "$t_dwc" "$start_jvm")" "$t_tz") of tar | zstd -3"
fi

section compress
if want plan; then
# plan on an incident-shaped tree
inc="$work/incident"
python3 "$here/make_tree.py" incident "$inc" --versions "$versions" --logs "$logs" --seed "$seed"
printf 'base_dir: %s\nsave_headroom: 0\n' "$inc" >"$work/plan.yml"
t_plan=$(median "$bin" plan --all --config "$work/plan.yml")
row "plan --all: $versions versions, $logs logs" "$t_plan" "$(minus "$t_plan" "$start_jvm")" ""
# the same plan with months of audit history: a full current file (audit.max_size, 64 MB of finished
# removals; older history is rotated away) plus 1,000,000 lines in rotated files (never read: rotated)
history_lines=$(( runs > 1 ? 1000000 : 20000 ))
python3 - "$DISKWARDEN_LOG_DIR" "$history_lines" <<'PY'
import gzip, os, sys
logs, n = sys.argv[1], int(sys.argv[2])
os.makedirs(logs, exist_ok=True)
def line(i, event):
    if event == "remove":
        return ('{"time":"2026-01-01T00:00:00Z","event":"remove","path":"/data/training/models/versions/v%07d",'
                '"bytes":57000000000,"policy":"model-versions","reason":"older than the newest 2","action":"delete",'
                '"mode":"until_target","dry_run":false}\n' % i)
    return ('{"time":"2026-01-01T00:00:01Z","event":"outcome","path":"/data/training/models/versions/v%07d",'
            '"policy":"model-versions","outcome":"removed"}\n' % i)
with gzip.open(os.path.join(logs, "audit.jsonl.1.gz"), "wt") as rolled:
    for i in range(n // 2):
        rolled.write(line(i, "remove") + line(i, "outcome"))
size, i = 0, 0
with open(os.path.join(logs, "audit.jsonl"), "w") as current:
    while size < 64 << 20 if n > 20000 else size < 1 << 20:
        pair = line(i, "remove") + line(i, "outcome")
        current.write(pair)
        size += len(pair)
        i += 1
PY
t_plan_history=$(median "$bin" plan --all --config "$work/plan.yml"); r_plan_history=$(spread)
row "plan --all with audit history" "$t_plan_history" "$(minus "$t_plan_history" "$start_jvm")" \
  "$(ratio "$t_plan_history" "$t_plan") of the plan with a fresh log; goal <= 1.3x; runs $r_plan_history"
rm -f "$DISKWARDEN_LOG_DIR"/audit.jsonl* "$DISKWARDEN_LOG_DIR"/audit.quiet
fi

section plan
if want check; then
# one check (statvfs + state decision), warm
row "check: JMH statvfs + decision (us)" "$(jmh 'CheckBenchmark.check')" "" "goal < 50 us"
# bin/diskwarden check as Nagios runs it every minute, while an agent runs for that config: the answer
# of the agent's last check (run/check.state), no JVM; beside df, the floor for a shell command
mkdir -p "$work/checked"
printf 'base_dir: %s\nmin_free: 0B\nmin_free_percent: 0\ncheck_interval: 5m\n' "$work/checked" >"$work/checked.yml"
"$bin" start --config "$work/checked.yml" >/dev/null
for _ in $(seq 600); do [ -f "$work/run/check.state" ] && break; sleep 0.1; done
t_df=$(median df -B1 "$work/checked")
t_check_agent=$(median "$bin" check --config "$work/checked.yml"); r_check_agent=$(spread)
"$bin" stop >/dev/null
row "check: df -B1" "$t_df" "" ""
row "check: bin/diskwarden check, agent running" "$t_check_agent" "" \
  "no JVM (answer from run/check.state); $(ratio "$t_check_agent" "$t_df") of df; goal <= 0.050 s; runs $r_check_agent"
fi

section check
if want idle; then
# idle cost of the agent with the default heap settings
idleconf="$work/idle.yml"
mkdir -p "$work/idle"
printf 'base_dir: %s\nmin_free: 0B\nmin_free_percent: 0\ncheck_interval: 5s\n' "$work/idle" >"$idleconf"
"$bin" start --config "$idleconf" >/dev/null
pid="$(cat "$work/run/diskwarden.pid")"
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
sleep "$settle"
before=$(ticks)
sleep "$idle"
after=$(ticks)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
"$bin" stop >/dev/null
cpu=$(awk -v a="$before" -v b="$after" -v hz="$hz" -v s="$idle" 'BEGIN {printf "%.3f", (b - a) / hz * 60 / s}')
row "idle: RSS after ${idle}s (MB)" "$((rss / 1024))" "" "VmRSS $rss kB"
rss_single=$rss
row "idle: CPU seconds per idle minute" "$cpu" "" "5 s check interval, 5 s sampling"
# the same with everything on: email, two webhooks, metrics and remote JMX (on loopback)
# shellcheck source=bench/outlets.sh
. "$here/outlets.sh"
all_outlets
allconf="$work/idle-all.yml"
cat >"$allconf" <<YAML
base_dir: $work/idle
min_free: 0B
min_free_percent: 0
check_interval: 5s
$OUTLETS_YAML
YAML
DISKWARDEN_JMX_PORT="$OUTLETS_JMX_PORT" DISKWARDEN_JMX_AUTH=false "$bin" start --config "$allconf" >/dev/null 2>&1
pid="$(cat "$work/run/diskwarden.pid")"
sleep $((idle + settle))
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
# the same agent scraped as Prometheus scrapes it (every second here: fifteen times its default pace)
scrapes=0 scrape_end=$((SECONDS + idle + settle)) rss_low=$rss rss_high=$rss
while [ "$SECONDS" -lt "$scrape_end" ]; do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$OUTLETS_METRICS_PORT/metrics').read()" \
    && scrapes=$((scrapes + 1))
  sleep 1
  now_rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  [ "$now_rss" -ge "$rss_low" ] || rss_low=$now_rss
  [ "$now_rss" -le "$rss_high" ] || rss_high=$now_rss
done
rss_scraped=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
"$bin" stop >/dev/null
row "idle, all outlets on: RSS after ${idle}s (MB)" "$((rss / 1024))" "" "VmRSS $rss kB; goal <= 80 MB"
row "idle, all outlets, scraped: RSS (MB)" "$((rss_scraped / 1024))" "" \
  "VmRSS $rss_scraped kB after $scrapes scrapes of /metrics, one a second (a sample after each: $rss_low-$rss_high kB); goal <= 80 MB"
# one agent guarding three directories (watch:) against the one-directory agent above
mkdir -p "$work/idle/w1" "$work/idle/w2" "$work/idle/w3"
cat >"$work/idle3.yml" <<YAML
min_free: 0B
min_free_percent: 0
check_interval: 5s
watch:
  - {name: w1, base_dir: $work/idle/w1}
  - {name: w2, base_dir: $work/idle/w2}
  - {name: w3, base_dir: $work/idle/w3}
YAML
"$bin" start --config "$work/idle3.yml" >/dev/null
pid="$(cat "$work/run/diskwarden.pid")"
sleep $((idle + settle))
rss3=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
"$bin" stop >/dev/null
row "idle, 3 watches: RSS after ${idle}s (MB)" "$((rss3 / 1024))" "" \
  "VmRSS $rss3 kB: $((rss3 - rss_single)) kB more than one watch (goal within 5120 kB)"
if [ "$soak" -gt 0 ]; then
  # a short soak: everything on, checking and sampling every second; RSS after the first and the last
  # half of --soak seconds (the one-hour soak is bench/soak.sh)
  sed 's/^check_interval: 5s$/check_interval: 1s\nsample_interval: 1s/' "$allconf" >"$work/soak.yml"
  DISKWARDEN_JMX_PORT="$OUTLETS_JMX_PORT" DISKWARDEN_JMX_AUTH=false "$bin" start --config "$work/soak.yml" >/dev/null 2>&1
  pid="$(cat "$work/run/diskwarden.pid")"
  sleep $((soak / 2))
  rss_a=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  sleep $((soak / 2))
  rss_b=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  "$bin" stop >/dev/null
  row "soak: RSS growth, ${soak}s at 1 s checks (kB)" "$((rss_b - rss_a))" "" \
    "$rss_a kB after $((soak / 2))s -> $rss_b kB after ${soak}s; goal: within 2048 kB (one hour: bench/soak.sh)"
else
  row "soak: skipped" "" "" "--soak 0 (the --quick smoke); one hour: bench/soak.sh"
fi
fi
section idle
echo "sections (wall, with fixtures): ${spent[*]}; total $((SECONDS))s"
