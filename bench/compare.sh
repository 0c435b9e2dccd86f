#!/usr/bin/env bash
# compare.sh: every bound of DESIGN.md ("Speed and size") in one run,
# diary side by side with the git CLI doing the same steps, on the
# generated reference diary (10,000 posts, 200 more commits), with a bare
# remote on the same machine (as a USB disk or a network share would be)
# and two laptops cloned from it.
#
#   bench/compare.sh                       # RUNS=7 by default
#   RUNS=11 bench/compare.sh               # more runs
#   POSTS=2000 bench/compare.sh            # a smaller diary
#   WORK=/tmp/cmp KEEP=1 bench/compare.sh  # keep the remote, laptops, binaries
#
# Needs bash, Go and git. Peak memory comes from GNU time (/usr/bin/time
# -v); when it is missing and this runs as root with apt-get, it is
# installed (apt-get install -y time), else the column says n/a.
#
# Every operation runs RUNS times for diary and RUNS times for git,
# interleaved (diary first on odd runs, git first on even ones) after one
# warm-up each, so that a busy moment of the machine hits both alike.
# Before every run, untimed, both laptops and the remote are put back on
# the starting commit (git reset --hard, update-ref), and for the
# diverged sync the same divergence is made again: laptop B writes a new
# entry and edits another, commits and pushes (with the git CLI, for
# diary's runs and git's alike); laptop A writes a new entry and edits a
# third one; then A's sync is timed. The entries carry the run's number,
# so that every fetch and push moves new objects, as a real one does.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
POSTS=${POSTS:-10000}
COMMITS=${COMMITS:-200}
SEED=${SEED:-1}
RUNS=${RUNS:-7}
RSS_RUNS=${RSS_RUNS:-3}
CACHE=${TMPDIR:-/tmp}
WORK=${WORK:-$(mktemp -d "$CACHE/diary-compare.XXXXXX")}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
if [[ -z ${KEEP:-} ]]; then
	trap 'rm -rf "$WORK"' EXIT
fi

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
die() {
	note "compare.sh: $*"
	exit 1
}
((RUNS >= 1)) || die "RUNS=$RUNS: want 1 or more"

# GNU time for peak RSS: install it when missing and we may.
if ! /usr/bin/time -v true > /dev/null 2>&1; then
	if [[ $(id -u) == 0 ]] && command -v apt-get > /dev/null; then
		note "installing GNU time (apt-get install -y time)…"
		apt-get install -y -qq time > /dev/null 2>&1 ||
			{ apt-get update -qq > /dev/null 2>&1 && apt-get install -y -qq time > /dev/null 2>&1; } ||
			note "could not install GNU time: peak RSS will be n/a"
	else
		note "no GNU time (/usr/bin/time): peak RSS will be n/a (apt-get install -y time)"
	fi
fi
GNU_TIME=
if /usr/bin/time -v true > /dev/null 2>&1; then
	GNU_TIME=/usr/bin/time
fi

# Build first, with the user's Go settings (module cache, proxy).
note "building diary (CGO_ENABLED=0) and gendiary…"
(cd "$ROOT" && CGO_ENABLED=0 go build -o "$WORK/diary" ./cmd/diary && go build -o "$WORK/gendiary" ./internal/cmd/gendiary)
GO_VERSION=$(cd "$ROOT" && go version)

pin_env "$WORK"
DIARY=$WORK/diary

# The reference diary, cached by seed and size under $TMPDIR, in the
# place and with the stamp that the Go benchmarks (internal/app/bench_test.go,
# sync/bench_test.go) use, so that they share one copy. It is only read:
# the remote is a clone of it.
GEN_VERSION=$(sed -n 's/^const Version = "\(.*\)"$/\1/p' "$ROOT/internal/gen/gen.go")
[[ -n $GEN_VERSION ]] || die "cannot read gen.Version from internal/gen/gen.go"
REF=$CACHE/diary-bench-$SEED-$POSTS
((COMMITS == 200)) || REF=$REF-c$COMMITS
STAMP="gen $GEN_VERSION posts=$POSTS commits=$COMMITS seed=$SEED"
ref_valid() { # the same test as referenceValid in internal/app/bench_test.go
	local s head n
	[[ -f $1/.git/diary-bench ]] || return 1
	s=$(cat "$1/.git/diary-bench")
	[[ ${s% head=*} == "$STAMP" ]] || return 1
	head=${s##* head=}
	[[ -f $1/.git/refs/heads/main && $(cat "$1/.git/refs/heads/main") == "$head" ]] || return 1
	n=$(find "$1/_posts" -mindepth 1 -maxdepth 1 | wc -l)
	((n == POSTS))
}
if ref_valid "$REF"; then
	note "reference diary: $REF (cached)"
else
	note "generating the reference diary into $REF…"
	rm -rf "$REF"
	tmp=$(mktemp -d "$REF.tmp-XXXXXX")
	rmdir "$tmp"
	"$WORK/gendiary" -posts "$POSTS" -commits "$COMMITS" -seed "$SEED" "$tmp" 2>&1 | sed 's/^/  /' >&2
	echo "$STAMP head=$(git -C "$tmp" rev-parse HEAD)" > "$tmp/.git/diary-bench"
	if ! mv -T "$tmp" "$REF" 2> /dev/null; then
		rm -rf "$tmp"
		ref_valid "$REF" || die "could not put the reference diary in $REF"
	fi
fi
NCOMMITS=$(git -C "$REF" rev-list --count HEAD)

# The remote and the two laptops. Local clones hard-link the pack, which
# nothing rewrites.
note "making the remote and two laptops…"
REMOTE=$WORK/remote.git
A=$WORK/laptop-a
B=$WORK/laptop-b
rm -rf "$REMOTE" "$A" "$B"
git clone -q --bare "$REF" "$REMOTE"
git -C "$REMOTE" remote remove origin
git clone -q "$REMOTE" "$A"
git clone -q "$REMOTE" "$B"
START=$(git -C "$REMOTE" rev-parse refs/heads/main)
sync # write the copies out now, not during a timed fsync

cd "$A"
FILES=(_posts/*)
((${#FILES[@]} >= 3)) || die "the diary has too few posts"
printf '%s\0' "${FILES[@]}" > "$WORK/posts.list"
POST_TEXT=$(cat "${FILES[0]}")
[[ $POST_TEXT == *$'\n'title:\ * ]] || die "${FILES[0]} has no title line"
POST_PRE=${POST_TEXT%%$'\n'title: *}    # the lines before the title
POST_POST=${POST_TEXT#*$'\n'title: }    # the title and what follows
POST_POST=${POST_POST#*$'\n'}           # what follows
EDIT_A=${FILES[$((${#FILES[@]} / 3))]}     # an old entry laptop A edits
EDIT_B=${FILES[$((${#FILES[@]} * 2 / 3))]} # another that laptop B edits

# reset: both laptops and the remote back on the starting commit, with
# nothing left of the last run (its new posts, diary's backup refs).
reset() {
	local l
	git -C "$REMOTE" update-ref refs/heads/main "$START"
	for l in "$A" "$B"; do
		git -C "$l" reset -q --hard "$START"
		git -C "$l" clean -q -f -d -- _posts
		git -C "$l" update-ref refs/remotes/origin/main "$START"
		git -C "$l" for-each-ref --format='delete %(refname)' refs/diary | git -C "$l" update-ref --stdin
		rm -f "$l/.git/diary.lock"
	done
}
# post TITLE TAG: a post of the reference's size, with its own title and
# a line that makes its content new.
post() {
	printf '%s\ntitle: "%s"\n%s\n\n%s\n' "$POST_PRE" "$1" "$POST_POST" "$2"
}
# diverge TAG: the same divergence for every run. B: a new entry and an
# edit, committed and pushed; A: a new entry and an edit of another.
diverge() {
	reset
	post "From laptop B, $1" "Written on B, $1." > "$B/_posts/2025-07-02-from-laptop-b.md"
	printf '\nAn afterthought from B, %s.\n' "$1" >> "$B/$EDIT_B"
	git -C "$B" add -A
	git -C "$B" commit -q -m "b: $1"
	git -C "$B" push -q
	post "From laptop A, $1" "Written on A, $1." > "$A/_posts/2025-07-01-from-laptop-a.md"
	printf '\nAn afterthought from A, %s.\n' "$1" >> "$A/$EDIT_A"
}
# merged: after a diverged sync, A and the remote hold one merge commit
# with both laptops' entries, and A's work tree is clean.
merged() {
	local head
	head=$(git -C "$A" rev-parse HEAD)
	[[ $head == "$(git -C "$REMOTE" rev-parse refs/heads/main)" ]] || die "$1: laptop A and the remote differ after the sync"
	git -C "$A" rev-parse -q --verify "HEAD^2" > /dev/null || die "$1: the sync made no merge commit"
	[[ -z $(git -C "$A" status --porcelain) ]] || die "$1: laptop A is not clean after the sync"
	git -C "$A" cat-file -e HEAD:_posts/2025-07-02-from-laptop-b.md || die "$1: B's entry is missing"
	git -C "$A" cat-file -e HEAD:_posts/2025-07-01-from-laptop-a.md || die "$1: A's entry is missing"
	git -C "$A" diff --quiet HEAD^2 HEAD -- "$EDIT_B" && ! git -C "$A" diff --quiet HEAD^2 HEAD -- "$EDIT_A" ||
		die "$1: the edits did not both land"
}

# The operations: each is a pair of functions, prep_OP (untimed, before
# every run) and diary_OP / git_OP (timed). $1 is the run's number.
export DIARY_HOST=laptop-a
prep_new() { reset; }
diary_new() { "$DIARY" --repo "$A" -q new --no-edit "Compare entry $1" > /dev/null; }
git_new() {
	local f="_posts/2025-07-01-compare-entry-$1.md"
	post "Compare entry $1" "" > "$A/$f" &&
		git -C "$A" add -- "$f" &&
		git -C "$A" commit -q -m "add compare entry $1"
}
# newauto: new with autosync on, which starts a detached sync after its
# commit and returns; only new is timed (DESIGN.md: the same 30 ms). The
# detached sync of the last run is waited for before the next reset.
settle() {
	local i
	for ((i = 0; i < 600; i++)); do
		pgrep -f -- " sync -q --log " > /dev/null || return 0
		sleep 0.05
	done
	die "the detached sync of laptop A did not end within 30 s"
}
prep_newauto() { settle; reset; }
diary_newauto() { DIARY_AUTOSYNC=true "$DIARY" --repo "$A" -q new --no-edit "Compare entry $1" > /dev/null; }
git_newauto() { git_new "$@"; }
prep_list() { :; }
diary_list() { "$DIARY" --repo "$A" list > /dev/null; }
git_list() { xargs -0 grep -m1 '^title:' < "$WORK/posts.list" > /dev/null; }
prep_noop() { reset; }
diary_noop() { "$DIARY" --repo "$A" -q sync; }
git_noop() {
	# git push says "Everything up-to-date" on stderr, even with -q.
	git -C "$A" status --porcelain > /dev/null &&
		git -C "$A" fetch -q &&
		git -C "$A" push -q 2> /dev/null
}
prep_diverged() { diverge "$2 run $1"; }
diary_diverged() { "$DIARY" --repo "$A" -q sync; }
git_diverged() {
	git -C "$A" add -A &&
		git -C "$A" commit -q -m m &&
		git -C "$A" fetch -q &&
		git -C "$A" merge -q --no-edit &&
		git -C "$A" push -q
}
check_diverged() { merged "$2 run $1"; }
check_noop() {
	[[ $(git -C "$A" rev-parse HEAD) == "$START" && $(git -C "$REMOTE" rev-parse refs/heads/main) == "$START" ]] ||
		die "$2 run $1: the no-op sync moved a branch"
}

# once OP TOOL I: prepare, time, check one run. The wall time in
# microseconds goes to $WORK/OP.TOOL.times, and bash's `times` before and
# after to $WORK/OP.TOOL.cpu (children's user + system: the CPU time,
# which hardly moves when another process shares the machine).
once() {
	local op=$1 tool=$2 i=$3 t0 t1
	"prep_$op" "$i" "$tool"
	if ((i > 0)); then times >> "$WORK/$op.$tool.cpu"; fi
	stamp t0
	"${tool}_$op" "$i" || die "$tool $op, run $i, failed"
	stamp t1
	if ((i > 0)); then
		times >> "$WORK/$op.$tool.cpu"
		echo $((t1 - t0)) >> "$WORK/$op.$tool.times"
	fi
	if declare -F "check_$op" > /dev/null; then "check_$op" "$i" "$tool"; fi
}
measure() {
	local op=$1 i
	reset
	: > "$WORK/$op.diary.times"
	: > "$WORK/$op.git.times"
	: > "$WORK/$op.diary.cpu"
	: > "$WORK/$op.git.cpu"
	once "$op" diary 0
	once "$op" git 0
	for ((i = 1; i <= RUNS; i++)); do
		if ((i % 2)); then
			once "$op" diary "$i"
			once "$op" git "$i"
		else
			once "$op" git "$i"
			once "$op" diary "$i"
		fi
	done
}
median() { sort -n "$WORK/$1.times" | awk '{a[NR] = $1} END {m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f", m / 1000}'; }
minimum() { sort -n "$WORK/$1.times" | awk 'NR == 1 {printf "%.1f", $1 / 1000}'; }
# cpu OP.TOOL: median CPU ms per run (children's user + system).
cpu() {
	awk 'function ms(s) { split(s, a, "m"); sub("s", "", a[2]); return a[1] * 60000 + a[2] * 1000 }
		NR % 4 == 2 {c0 = ms($1) + ms($2)} NR % 4 == 0 {print ms($1) + ms($2) - c0}' "$WORK/$1.cpu" |
		sort -n | awk '{a[NR] = $1} END {m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.0f", m}'
}

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg 2> /dev/null || echo n/a)
T0=$SECONDS
for op in new newauto list noop diverged; do
	note "measuring $op, $RUNS runs each of diary and git…"
	measure "$op"
done
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg 2> /dev/null || echo n/a)

# Peak memory (max RSS) with GNU time -v, the max of RSS_RUNS runs, each
# prepared as for the timing. For git, the largest process of the chain.
rss() { # rss OP TOOL: peak RSS in MB
	local op=$1 tool=$2 i max=0 kb
	[[ -n $GNU_TIME ]] || { echo n/a; return; }
	for ((i = 1; i <= RSS_RUNS; i++)); do
		"prep_$op" "rss$i" "$tool"
		export -f "${tool}_$op" git_new post 2> /dev/null || true
		export A WORK DIARY POST_PRE POST_POST
		"$GNU_TIME" -v -o "$WORK/rss" bash -c "${tool}_$op rss$i" > /dev/null ||
			die "$tool $op under GNU time failed"
		kb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$WORK/rss")
		((kb > max)) && max=$kb
	done
	awk -v k="$max" 'BEGIN {printf "%.1f", k / 1024}'
}
# diary's own: diary run directly under GNU time, not through bash.
rss_diary() {
	local op=$1 i max=0 kb
	[[ -n $GNU_TIME ]] || { echo n/a; return; }
	for ((i = 1; i <= RSS_RUNS; i++)); do
		"prep_$op" "rss$i" diary
		case $op in
		new) "$GNU_TIME" -v -o "$WORK/rss" "$DIARY" --repo "$A" -q new --no-edit "RSS entry $i" > /dev/null ;;
		newauto) DIARY_AUTOSYNC=true "$GNU_TIME" -v -o "$WORK/rss" "$DIARY" --repo "$A" -q new --no-edit "RSS entry $i" > /dev/null ;;
		list) "$GNU_TIME" -v -o "$WORK/rss" "$DIARY" --repo "$A" list > /dev/null ;;
		*) "$GNU_TIME" -v -o "$WORK/rss" "$DIARY" --repo "$A" -q sync ;;
		esac
		kb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$WORK/rss")
		((kb > max)) && max=$kb
	done
	awk -v k="$max" 'BEGIN {printf "%.1f", k / 1024}'
}
note "peak memory, $RSS_RUNS runs each…"
declare -A RSS_D RSS_G
for op in new newauto list noop diverged; do
	RSS_D[$op]=$(rss_diary "$op")
	RSS_G[$op]=$(rss "$op" git)
done
settle
reset
ELAPSED=$((SECONDS - T0))

# The table.
CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2> /dev/null | head -n 1)
[[ -n $CPU_MODEL ]] || CPU_MODEL=$(uname -m)
FS=$(df -PT "$WORK" 2> /dev/null | awk 'NR == 2 {print $2}')
cat <<EOF

diary vs git, DESIGN.md "Speed and size", on the reference diary:
  $POSTS posts, $NCOMMITS commits (gendiary -posts $POSTS -commits $COMMITS -seed $SEED)
  remote: a bare repository on the same machine ($FS); laptops A and B: git clones of it
machine: $(nproc 2> /dev/null || echo '?') CPUs, $CPU_MODEL; $(uname -sr)
  $GO_VERSION; $(git --version); diary built with CGO_ENABLED=0
  load average $LOAD0 before, $LOAD1 after; measuring took ${ELAPSED}s
$RUNS runs each after one warm-up, diary and git interleaved; timer: $TIMER
times in ms: median (min) of wall-clock; CPU: median user + system per run;
peak RSS: $(if [[ -n $GNU_TIME ]]; then echo "max of $RSS_RUNS runs, GNU time -v"; else echo "n/a (no GNU time: apt-get install -y time)"; fi)

EOF
row() { printf '%-22s %15s %6s %6s %15s %6s %6s %6s %9s  %-31s %s\n' "$@"; }
row "operation" "diary ms" "CPU" "RSS MB" "git ms" "CPU" "RSS MB" "ratio" "CPU ratio" "bound" "verdict"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "n/a"}'; }
verdict() { awk -v r="$1" 'BEGIN {print (r != "n/a" && r <= 1 ? "ok" : "FAIL")}'; }
declare -A LABEL BOUND
LABEL[new]="new --no-edit"
LABEL[newauto]="new, autosync: true"
LABEL[list]="list"
LABEL[noop]="sync, nothing to do"
LABEL[diverged]="sync, diverged"
BOUND[new]="< 30 ms (git add+commit)"
BOUND[newauto]="< 30 ms (git add+commit)"
BOUND[list]="<= grep -m1 '^title:'"
BOUND[noop]="<= status+fetch+push"
BOUND[diverged]="<= add+commit+fetch+merge+push"
for op in new newauto list noop diverged; do
	dm=$(median "$op.diary")
	gm=$(median "$op.git")
	r=$(ratio "$dm" "$gm")
	cr=$(ratio "$(cpu "$op.diary")" "$(cpu "$op.git")")
	if [[ $op == new || $op == newauto ]]; then
		v=$(awk -v x="$dm" 'BEGIN {print (x < 30 ? "ok" : "FAIL")}')
	else
		v=$(verdict "$r")
	fi
	row "${LABEL[$op]}" "$dm ($(minimum "$op.diary"))" "$(cpu "$op.diary")" "${RSS_D[$op]}" \
		"$gm ($(minimum "$op.git"))" "$(cpu "$op.git")" "${RSS_G[$op]}" "$r" "$cr" "${BOUND[$op]}" "$v"
done
maxrss=$(printf '%s\n' "${RSS_D[@]}" | grep -v n/a | sort -n | tail -n 1 || true)
row "peak RSS, any command" "" "" "${maxrss:-n/a}" "" "" "" "" "" "< 100 MB" \
	"$(if [[ -n $maxrss ]]; then awk -v m="$maxrss" 'BEGIN {print (m < 100 ? "ok" : "FAIL")}'; else echo n/a; fi)"
cat <<EOF

git's side: new = write F && git add F && git commit; list = xargs -0 grep -m1 '^title:' over the
same files; nothing to do = git status --porcelain && git fetch && git push; diverged = git add -A &&
git commit -m m && git fetch && git merge --no-edit && git push. ratio = diary median / git median.
EOF
