#!/usr/bin/env bash
# newlist.sh: measure `diary new --no-edit` and `diary list` against the
# bounds of DESIGN.md ("Speed and size"), side by side with git and grep,
# on the generated reference diary (10,000 posts, 200 more commits).
#
#   bench/newlist.sh                     # from anywhere in the repository
#   RUNS=21 POSTS=2000 bench/newlist.sh  # more runs, a smaller diary
#   WORK=/tmp/nl KEEP=1 bench/newlist.sh # keep the diaries and binaries
#
# Needs bash, Go and git. Uses GNU time (apt-get install -y time) for
# peak memory, strace for "reads no other post", and hyperfine for a
# second opinion on list vs grep, each when present.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
POSTS=${POSTS:-10000}
COMMITS=${COMMITS:-200}
SEED=${SEED:-1}
RUNS=${RUNS:-11}
RSS_RUNS=${RSS_RUNS:-3}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/diary-newlist.XXXXXX")}
mkdir -p "$WORK"
if [[ -z ${KEEP:-} ]]; then
	trap 'rm -rf "$WORK"' EXIT
fi

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

# Build first, with the user's Go settings (module cache, proxy).
note "building diary and gendiary…"
(cd "$ROOT" && go build -o "$WORK/diary" ./cmd/diary && go build -o "$WORK/gendiary" ./internal/cmd/gendiary)

pin_env "$WORK"

DIARY=$WORK/diary
REF=$WORK/ref
if [[ ! -d $REF/.git ]]; then
	"$WORK/gendiary" -posts "$POSTS" -commits "$COMMITS" -seed "$SEED" "$REF" 2> "$WORK/gen.log"
	cat "$WORK/gen.log" >&2
fi
GEN_INFO=$(sed -n 's/^gendiary: //p' "$WORK/gen.log" 2>/dev/null || true)
NCOMMITS=$(git -C "$REF" rev-list --count HEAD)

# `diary new` and `git commit` write: each gets its own copy.
NEWDIR=$WORK/new-diary
GITDIR=$WORK/git-diary
rm -rf "$NEWDIR" "$GITDIR"
cp -a "$REF" "$NEWDIR"
cp -a "$REF" "$GITDIR"
git -C "$GITDIR" status --porcelain > /dev/null # refresh the copy's index once, as git would
sync

# measure NAME FUNC: one warm-up, then RUNS runs of FUNC i; the times in
# microseconds go to $WORK/NAME.times, and the CPU time (user + system)
# of all the runs' processes, from the shell's `times`, to $WORK/NAME.cpu.
measure() {
	local name=$1 f=$2 i t0 t1
	"$f" 0
	: > "$WORK/$name.times"
	times > "$WORK/$name.cpu"
	for ((i = 1; i <= RUNS; i++)); do
		stamp t0
		"$f" "$i"
		stamp t1
		echo $((t1 - t0)) >> "$WORK/$name.times"
	done
	times >> "$WORK/$name.cpu"
}
# cpu NAME: CPU milliseconds per run, from the children's line of `times`.
cpu() {
	awk -v runs="$RUNS" 'function ms(s) { split(s, a, "m"); sub("s", "", a[2]); return a[1] * 60000 + a[2] * 1000 }
		NR == 2 {c0 = ms($1) + ms($2)} NR == 4 {c1 = ms($1) + ms($2)}
		END {printf "%.1f", (c1 - c0) / runs}' "$WORK/$1.cpu"
}
median() { sort -n "$WORK/$1.times" | awk '{a[NR] = $1} END {m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f", m / 1000}'; }
minimum() { sort -n "$WORK/$1.times" | awk 'NR == 1 {printf "%.1f", $1 / 1000}'; }

# Everything runs from the reference diary, as a user would type it there.
cd "$REF"
FILES=(_posts/*)
run_new() { "$DIARY" --repo "$NEWDIR" -q new --no-edit "Title $1 of run $$" > /dev/null; }
run_list() { "$DIARY" --repo "$REF" list > /dev/null; }
# grep gets the names from xargs: bash itself takes some 20 ms to expand
# "${FILES[@]}" into 10,000 words, which is not grep's time.
printf '%s\0' "${FILES[@]}" > "$WORK/posts.list"
run_grep() { xargs -0 grep -m1 '^title:' < "$WORK/posts.list" > /dev/null; }
POST_TEXT=$(cat "${FILES[0]}")
run_git() {
	local f="_posts/2025-07-01-git-title-$1-$$.md"
	printf '%s\n' "$POST_TEXT" > "$GITDIR/$f"
	git -C "$GITDIR" add -- "$f"
	git -C "$GITDIR" commit -q -m "add git title $1"
}

note "measuring, $RUNS runs each…"
measure new run_new
measure git run_git
measure list run_list
measure grep run_grep

# Peak memory (max RSS) with GNU time, max of RSS_RUNS runs.
GNU_TIME=
if /usr/bin/time -f %M -o /dev/null true 2> /dev/null; then
	GNU_TIME=/usr/bin/time
fi
rss() { # rss CMD...: peak RSS in MB, max over RSS_RUNS runs; {} in CMD is the run
	local i max=0 kb
	[[ -n $GNU_TIME ]] || { echo "n/a"; return; }
	for ((i = 1; i <= RSS_RUNS; i++)); do
		"$GNU_TIME" -f %M -o "$WORK/rss" "${@//\{\}/$i}" > /dev/null
		kb=$(tail -n 1 "$WORK/rss")
		((kb > max)) && max=$kb
	done
	awk -v k="$max" 'BEGIN {printf "%.1f", k / 1024}'
}
RSS_NEW=$(rss "$DIARY" --repo "$NEWDIR" -q new --no-edit "RSS title {} of run $$")
RSS_LIST=$(rss "$DIARY" --repo "$REF" list)
RSS_GREP=$(rss grep -m1 '^title:' "${FILES[@]}")
RSS_GIT=n/a
if [[ -n $GNU_TIME ]]; then
	printf '%s\n' "$POST_TEXT" > "$GITDIR/_posts/2025-07-02-rss.md"
	a=$(rss git -C "$GITDIR" add -- _posts/2025-07-02-rss.md)
	c=$(rss git -C "$GITDIR" commit -q --allow-empty -m rss)
	RSS_GIT=$(awk -v a="$a" -v c="$c" 'BEGIN {print (a > c ? a : c)}')
fi

# "It reads no other post": the posts diary new opens, other than its own.
OPENED=n/a
if command -v strace > /dev/null; then
	strace -f -qq -e trace=open,openat -o "$WORK/strace" "$DIARY" --repo "$NEWDIR" -q new --no-edit "Strace title $$" > "$WORK/strace.path"
	own=$(cat "$WORK/strace.path")
	OPENED=$(grep -o '"[^"]*_posts/[^"]*"' "$WORK/strace" | tr -d '"' | grep -v -F "$own" | grep -v '/\.diary-new-' | grep -c '' || true)
fi

RSS_HOW="max of $RSS_RUNS runs (GNU time)"
[[ -n $GNU_TIME ]] || RSS_HOW="n/a (no GNU time: apt-get install -y time)"
NEW_MED=$(median new)
LIST_MED=$(median list)
GREP_MED=$(median grep)
verdict() { awk -v x="$1" -v b="$2" -v what="$3" 'BEGIN {r = x / b; printf "%s (%.2fx %s)", (x <= b ? "ok" : "FAIL"), r, what}'; }
maxrss=$(printf '%s\n' "$RSS_NEW" "$RSS_LIST" | grep -v n/a | sort -n | tail -n 1 || true)

cat <<EOF

diary new / list on the reference diary: ${GEN_INFO:-$POSTS posts, $NCOMMITS commits}
$(nproc 2> /dev/null || echo ?) CPUs, $RUNS runs each after one warm-up; timer: $TIMER; CPU: user + system per run;
peak RSS: $RSS_HOW

EOF
row() { printf '%-40s %9s %8s %8s %11s  %s\n' "$@"; }
row "operation" "median ms" "min ms" "CPU ms" "peak RSS MB" "DESIGN.md bound: verdict"
row "diary new --no-edit \"Title N\"" "$NEW_MED" "$(minimum new)" "$(cpu new)" "$RSS_NEW" "< 30 ms: $(verdict "$NEW_MED" 30 "the bound")"
row "  git add F && git commit -m M" "$(median git)" "$(minimum git)" "$(cpu git)" "$RSS_GIT" "(for scale: $(awk -v a="$NEW_MED" -v b="$(median git)" 'BEGIN {printf "diary new takes %.2fx", a / b}'))"
row "diary list > /dev/null" "$LIST_MED" "$(minimum list)" "$(cpu list)" "$RSS_LIST" "<= grep: $(verdict "$LIST_MED" "$GREP_MED" "grep")"
row "grep -m1 '^title:' _posts/* > /dev/null" "$GREP_MED" "$(minimum grep)" "$(cpu grep)" "$RSS_GREP" "(the names passed by xargs -0)"
row "peak memory of diary new and list" "" "" "" "${maxrss:-n/a}" "< 100 MB: $(if [[ -n $maxrss ]]; then verdict "$maxrss" 100 "the bound"; else echo n/a; fi)"
row "other posts opened by diary new" "" "" "" "" "none: $(if [[ $OPENED == n/a ]]; then echo "n/a (no strace)"; elif ((OPENED == 0)); then echo ok; else echo "FAIL ($OPENED opened)"; fi)"

if command -v hyperfine > /dev/null && [[ -z ${NO_HYPERFINE:-} ]]; then
	echo
	echo "hyperfine, list vs grep (through a shell: grep's time includes expanding _posts/*):"
	hyperfine --style basic --warmup 2 --runs "$RUNS" \
		-n "diary list" "'$DIARY' --repo '$REF' list > /dev/null" \
		-n "grep -m1" "cd '$REF' && grep -m1 '^title:' _posts/* > /dev/null" 2>&1 | sed 's/^/  /'
fi
