#!/usr/bin/env bash
# The gateway side by side with nginx, haproxy and caddy (issue 12). One command:
#
#   09-final-gateway/bench/run.sh                 # full: 3 interleaved rounds of 8 s per run
#   BENCH_QUICK=1 09-final-gateway/bench/run.sh   # quick: 1 round of 3 s per run
#   09-final-gateway/bench/run.sh -scenarios http-64,tcp -targets nginx,haproxy
#
# Environment: BENCH_ROUNDS, BENCH_DUR (full mode), GATEWAY_BIN (benchmark another
# gateway build), GATEWAY_B_BIN (also run a second build, reported as gateway-b: an
# A/B comparison of a change in the same interleaved rounds). Extra arguments go to cmd/bench. Results: bench/results/<UTC time>/.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

# install_missing installs the load generators and peer proxies from Debian when a
# command is missing. Debian's packages do not start their services here (policy-rc.d);
# on a machine where they do, the benchmark's ports (18000-18799) do not collide.
install_missing() {
	local want=() pair cmd pkg
	for pair in wrk:wrk h2load:nghttp2-client nginx:nginx haproxy:haproxy caddy:caddy; do
		cmd=${pair%%:*} pkg=${pair#*:}
		command -v "$cmd" >/dev/null 2>&1 || [[ -x /usr/sbin/$cmd ]] || want+=("$pkg")
	done
	[[ -e /usr/lib/nginx/modules/ngx_stream_module.so ]] || want+=(libnginx-mod-stream)
	((${#want[@]} == 0)) && return 0
	if [[ $(id -u) -ne 0 ]]; then
		echo "run.sh: missing ${want[*]}; install them with: sudo apt-get install -y ${want[*]}" >&2
		echo "run.sh: continuing without them (their rows are left out)" >&2
		return 0
	fi
	echo "run.sh: installing ${want[*]}" >&2
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${want[@]}" >/dev/null
}

build() {
	echo "run.sh: building into $bin" >&2
	(cd "$root" &&
		go build -o "$bin/gateway" ./09-final-gateway/cmd/gateway &&
		go build -o "$bin/" ./09-final-gateway/bench/cmd/backend ./09-final-gateway/bench/cmd/loadgen \
			./09-final-gateway/bench/cmd/baregw ./09-final-gateway/bench/cmd/goproxy ./09-final-gateway/bench/cmd/bench)
}

bin=$(mktemp -d /tmp/gatewaylab-bench.XXXXXX)
pid=
cleanup() {
	# The harness stops every server it started on SIGTERM; this only reaps it.
	[[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$bin"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

install_missing
build
out="$here/results/$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out"
if [[ ${BENCH_QUICK:-0} == 1 ]]; then
	mode=(-rounds 1 -dur 3 -warm 1 -idle-wait 2s -idle-conns 300)
else
	mode=(-rounds "${BENCH_ROUNDS:-3}" -dur "${BENCH_DUR:-8}" -warm 2)
	read -r load1 _ </proc/loadavg
	if awk "BEGIN{exit !($load1 > 0.5)}"; then
		echo "run.sh: warning: 1-minute load average is $load1 (> 0.5): other work shares the cores;" >&2
		echo "run.sh:          numbers will be noisy (see the other CPU % column); prefer BENCH_QUICK=1 or wait" >&2
	fi
fi
echo "run.sh: $(uptime)" | tee "$out/uptime-start.txt" >&2
# Started in the background of this shell so the traps can stop it, but in the same
# session and process group: no setsid (see README, "autogroup trap").
"$bin/bench" -bin "$bin" -out "$out" -gateway "${GATEWAY_BIN:-$bin/gateway}" -gateway-b "${GATEWAY_B_BIN:-}" "${mode[@]}" "$@" \
	> >(tee "$out/console.txt") 2> >(tee "$out/progress.txt" >&2) &
pid=$!
status=0
wait "$pid" || status=$?
pid=
echo "run.sh: results in $out" >&2
exit "$status"
