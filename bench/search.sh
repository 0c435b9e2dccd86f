#!/usr/bin/env bash
# search.sh: diary search, on-this-day, calendar and stats against the
# bounds of issue 22, side by side with ripgrep, on the generated
# reference diary (posts of about 2 KB, Korean and English).
#
#   bench/search.sh                      # 10,000 posts, RUNS=11
#   POSTS=50000 bench/search.sh          # the 50,000-post bound (1.5x rg)
#   WORK=/tmp/s KEEP=1 bench/search.sh   # keep the diary and binaries
#
# Needs bash, Go, git and rg. Each word is searched RUNS times by diary
# (`diary search WORD`, to a pipe) and by rg (`rg -i -c WORD _posts`),
# interleaved, after one warm-up each, in the diary's folder; the list
# cache is warm, as it is after the first list or search.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
POSTS=${POSTS:-10000}
SEED=${SEED:-1}
RUNS=${RUNS:-11}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/diary-search.XXXXXX")}
mkdir -p "$WORK"
if [[ -z ${KEEP:-} ]]; then
	trap 'rm -rf "$WORK"' EXIT
fi

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

command -v rg > /dev/null || { note "rg (ripgrep) is not installed: apt-get install -y ripgrep"; exit 1; }
note "building diary and gendiary…"
(cd "$ROOT" && CGO_ENABLED=0 go build -o "$WORK/diary" ./cmd/diary && go build -o "$WORK/gendiary" ./internal/cmd/gendiary)
pin_env "$WORK"
DIARY=$WORK/diary
REF=$WORK/ref
if [[ ! -d $REF/.git ]]; then
	"$WORK/gendiary" -posts "$POSTS" -commits 0 -seed "$SEED" "$REF" 2> "$WORK/gen.log"
fi
cd "$REF"
"$DIARY" list > /dev/null # the list cache, as any earlier command leaves it

# time1 CMD...: one run's wall-clock microseconds, into $T.
time1() {
	local t0 t1
	stamp t0
	"$@" > /dev/null || [[ $? == 1 ]] # exit 1: nothing found, as grep
	stamp t1
	T=$((t1 - t0))
}
# median FILE: the median of the microseconds in FILE, in ms.
median() { sort -n "$1" | awk '{a[NR] = $1} END {m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f", m / 1000}'; }

printf '%s posts (gendiary -posts %s -seed %s), %s runs each, interleaved; %s; %s\n' \
	"$POSTS" "$POSTS" "$SEED" "$RUNS" "$(nproc) CPUs" "$(rg --version | sed -n 1p)"
printf '%-22s %10s %10s %7s\n' "search WORD" "diary ms" "rg ms" "ratio"
for word in 산책 coffee seoul zzyzx; do
	: > "$WORK/d.times"
	: > "$WORK/r.times"
	time1 "$DIARY" search "$word"
	time1 rg -i -c "$word" _posts
	for ((i = 1; i <= RUNS; i++)); do
		if ((i % 2)); then
			time1 "$DIARY" search "$word"; echo "$T" >> "$WORK/d.times"
			time1 rg -i -c "$word" _posts; echo "$T" >> "$WORK/r.times"
		else
			time1 rg -i -c "$word" _posts; echo "$T" >> "$WORK/r.times"
			time1 "$DIARY" search "$word"; echo "$T" >> "$WORK/d.times"
		fi
	done
	d=$(median "$WORK/d.times")
	r=$(median "$WORK/r.times")
	printf '%-22s %10s %10s %7s\n' "$word" "$d" "$r" "$(awk -v d="$d" -v r="$r" 'BEGIN {printf "%.2f", d / r}')"
done
printf '%-22s %10s %10s\n' "command" "diary ms" "bound"
for cmd in on-this-day calendar stats; do
	: > "$WORK/c.times"
	time1 "$DIARY" "$cmd"
	for ((i = 1; i <= RUNS; i++)); do
		time1 "$DIARY" "$cmd"; echo "$T" >> "$WORK/c.times"
	done
	printf '%-22s %10s %10s\n' "$cmd" "$(median "$WORK/c.times")" "< 100"
done
