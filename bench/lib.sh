# bench/lib.sh: what compare.sh and newlist.sh share. Sourced, not run.

note() { printf '%s\n' "$*" >&2; }

# pin_env DIR: a clean, pinned environment with its home in DIR/home:
# nobody's git or diary settings count.
pin_env() {
	local v
	while read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(DIARY_|GIT_)' || true)
	unset VISUAL EDITOR
	export HOME="$1/home" XDG_CONFIG_HOME="$1/home/.config"
	export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
	export GIT_AUTHOR_NAME="Daniel Park" GIT_AUTHOR_EMAIL=daniel.park@example.com
	export GIT_COMMITTER_NAME="Daniel Park" GIT_COMMITTER_EMAIL=daniel.park@example.com
	export LC_ALL=C TZ=UTC
	mkdir -p "$HOME"
}

# stamp VAR: the time now in microseconds, into VAR. bash's
# $EPOCHREALTIME (no fork), else date +%s%N; TIMER says which.
if [[ -n ${EPOCHREALTIME:-} ]]; then
	TIMER='bash $EPOCHREALTIME'
	stamp() { printf -v "$1" '%s' "${EPOCHREALTIME/[.,]/}"; }
else
	TIMER='date +%s%N (adds a fork to each run)'
	stamp() { printf -v "$1" '%s' "$(($(date +%s%N) / 1000))"; }
fi
