#!/bin/sh
# Kernelgate's bootstrap: the entrypoint of every Docker sandbox, mounted read-only at /opt/kernelgate/bootstrap.sh.
# It follows upstream OpenSandbox's bootstrap contract, so an unmodified image gets an execd:
#   1. EXECD (default: the Kernelgate execd of this distribution) runs in the background with no arguments, configured
#      by the environment only; EXECD_ENVS names a KEY=VALUE file (default /opt/opensandbox/.env, created empty) that
#      execd adds to every command's environment. EXECD_BOOTSTRAP_PRE_SCRIPT, when set, is sourced first.
#      execd's log goes to EXECD_LOG_FILE (default /var/log/execd/execd.log, rolled by size, one line per event) as
#      well as to the container's output; set it empty for the output only. A directory that cannot be made or
#      written (a non-root image user) leaves the log on the output only, with a warning.
#   2. The user's entrypoint runs: BOOTSTRAP_CMD or `-c "cmd"` through BOOTSTRAP_SHELL (bash, else sh), else the
#      arguments as they are, else an interactive shell.
#   3. SIGTERM, SIGINT, SIGHUP and SIGQUIT are forwarded to the entrypoint, and its exit code becomes the container's.
#      An entrypoint that dies of the very signal forwarded to it (a requested stop) exits 0, as upstream's does.
# The entrypoint runs as a child rather than being exec'd so that this shell stays PID 1: a PID 1 without signal
# handlers (e.g. `tail -f /dev/null`) would ignore `docker stop`, and execd stays a sibling that can be restarted.
#
# An image that cannot run the injected Java execd (no glibc dynamic loader, e.g. Alpine/musl or distroless-static)
# stops here with exit code 72 and one line saying so, instead of a sandbox whose execd never answers.

KERNELGATE_HOME="${KERNELGATE_HOME:-/opt/kernelgate}"
# shellcheck source=/dev/null
. "$KERNELGATE_HOME/distribution.env"

if [ -n "${KERNELGATE_GLIBC_LOADER:-}" ] && [ ! -e "$KERNELGATE_GLIBC_LOADER" ] && [ -z "${EXECD:-}" ]; then
	echo "kernelgate bootstrap: this image has no glibc ($KERNELGATE_GLIBC_LOADER is missing); the injected execd" \
		"needs a glibc userland (Debian, Ubuntu, RHEL, ...), not musl (Alpine) or a static/distroless image" >&2
	exit 72
fi

EXECD="${EXECD:-$KERNELGATE_HOME/bin/execd}"
EXECD_ENVS="${EXECD_ENVS:-/opt/opensandbox/.env}"
mkdir -p "$(dirname "$EXECD_ENVS")" 2>/dev/null || echo "kernelgate bootstrap: warning: cannot create the directory of EXECD_ENVS=$EXECD_ENVS" >&2
touch "$EXECD_ENVS" 2>/dev/null || echo "kernelgate bootstrap: warning: cannot create EXECD_ENVS=$EXECD_ENVS" >&2
export EXECD_ENVS

EXECD_LOG_FILE="${EXECD_LOG_FILE-/var/log/execd/execd.log}"
if [ -n "$EXECD_LOG_FILE" ]; then
	log_dir="$(dirname "$EXECD_LOG_FILE")"
	if ! mkdir -p "$log_dir" 2>/dev/null || [ ! -w "$log_dir" ]; then
		echo "kernelgate bootstrap: warning: cannot write $log_dir; execd logs to the container's output only" >&2
		EXECD_LOG_FILE=""
	fi
fi
export EXECD_LOG_FILE

if [ -n "${EXECD_BOOTSTRAP_PRE_SCRIPT:-}" ]; then
	if [ -r "$EXECD_BOOTSTRAP_PRE_SCRIPT" ]; then
		case "$EXECD_BOOTSTRAP_PRE_SCRIPT" in
		*/*) pre_script="$EXECD_BOOTSTRAP_PRE_SCRIPT" ;;
		*) pre_script="./$EXECD_BOOTSTRAP_PRE_SCRIPT" ;;
		esac
		# shellcheck source=/dev/null
		. "$pre_script"
	else
		echo "kernelgate bootstrap: warning: EXECD_BOOTSTRAP_PRE_SCRIPT=$EXECD_BOOTSTRAP_PRE_SCRIPT is not readable" >&2
	fi
fi

# Unquoted on purpose, as upstream: EXECD may carry arguments.
$EXECD &

cmd="${BOOTSTRAP_CMD:-}"
if [ -z "$cmd" ] && [ $# -ge 1 ] && [ "$1" = "-c" ]; then
	shift
	cmd="$*"
fi
shell_bin="${BOOTSTRAP_SHELL:-}"
if [ -z "$shell_bin" ]; then
	shell_bin="$(command -v bash 2>/dev/null || command -v sh)"
fi

if [ -n "$cmd" ]; then
	"$shell_bin" -c "$cmd" &
elif [ $# -eq 0 ]; then
	"$shell_bin" &
else
	"$@" &
fi
child=$!

forwarded=""
forward() {
	forwarded="$1"
	kill -s "$1" "$child" 2>/dev/null
}
trap 'forward TERM' TERM
trap 'forward INT' INT
trap 'forward HUP' HUP
trap 'forward QUIT' QUIT

# `wait` returns early (status > 128) whenever a trapped signal arrives: wait again until the child is really gone.
while :; do
	wait "$child"
	status=$?
	kill -0 "$child" 2>/dev/null || break
done

if [ -n "$forwarded" ]; then
	case "$forwarded" in
	TERM) number=15 ;; INT) number=2 ;; HUP) number=1 ;; QUIT) number=3 ;;
	esac
	[ "$status" -eq $((128 + number)) ] && exit 0
fi
exit "$status"
