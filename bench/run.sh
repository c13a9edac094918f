#!/usr/bin/env bash
# replayguard benchmarks: proxy overhead, replay throughput, compare throughput, scale, stub rate and memory, live shadow cost.
#   npm run bench                 # full run, about 20-25 min on 2 cores
#   npm run bench -- --quick      # about 5 min: 1 rep, short runs, a 200k-exchange scale database
#   bash bench/run.sh --only proxy,compare [--quick]      (pg needs a PostgreSQL at $BENCH_PG)
# Writes bench/results/<stamp>/summary.md (git-ignored) and prints it. Needs `npm run build` first
# (npm run bench does it). All traffic stays on 127.0.0.1; every process is stopped by its PID.
# When run as root it apt-get installs the missing tools (wrk, nginx, mitmproxy); BENCH_NO_APT=1 skips that.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
cd "$REPO"

QUICK=""
ONLY="proxy,replay,compare,scale,pg,stub,stub-scale,shadow"
while (($#)); do
  case "$1" in
    --quick) QUICK="--quick" ;;
    --only) ONLY="$2"; shift ;;
    --only=*) ONLY="${1#--only=}" ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

if [[ ! -f dist/src/cli/main.js ]]; then
  echo "building (dist/ is missing)" >&2
  npm run build --silent || exit 2
fi

missing=()
for tool in wrk nginx mitmdump; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if ((${#missing[@]})); then
  pkgs=()
  for t in "${missing[@]}"; do case "$t" in mitmdump) pkgs+=(mitmproxy) ;; nginx) pkgs+=(nginx-light) ;; *) pkgs+=("$t") ;; esac; done
  if [[ $(id -u) -eq 0 && "${BENCH_NO_APT:-0}" != 1 ]] && command -v apt-get >/dev/null; then
    echo "installing ${pkgs[*]} with apt-get (BENCH_NO_APT=1 skips this)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null || echo "apt-get failed; missing peers are skipped" >&2
  else
    echo "not installed: ${missing[*]} (apt-get install ${pkgs[*]}); missing peers are skipped, wrk is required for proxy and replay" >&2
  fi
fi

STAMP="$(date -u +%Y-%m-%dT%H-%M-%SZ)"
export BENCH_RESULTS="$HERE/results/$STAMP"
mkdir -p "$BENCH_RESULTS"

current=""
on_signal() {
  echo "interrupted: stopping pid ${current:-none}" >&2
  [[ -n "$current" ]] && kill -INT "$current" 2>/dev/null && wait "$current" 2>/dev/null
  exit 130
}
trap on_signal INT TERM

t0=$(date +%s)
failed=()
for name in proxy replay compare scale pg stub stub-scale shadow; do
  [[ ",$ONLY," == *",$name,"* ]] || continue
  echo "=== bench/$name.mjs $QUICK ($(date -u +%H:%M:%S))"
  node "$HERE/$name.mjs" $QUICK > >(tee "$BENCH_RESULTS/$name.log") 2>&1 &
  current=$!
  wait "$current"; rc=$?
  current=""
  ((rc == 0)) || failed+=("$name (exit $rc, see $BENCH_RESULTS/$name.log)")
done
elapsed=$(( $(date +%s) - t0 ))

{
  echo "# replayguard benchmarks — $STAMP"
  echo
  echo "Mode: ${QUICK:-full}. Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), node $(node -v), $(uname -sr); load average at the end $(cut -d' ' -f1-3 /proc/loadavg). Elapsed $((elapsed / 60)) min $((elapsed % 60)) s. Commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with local changes)')."
  echo
  targets=$(BENCH_RESULTS="$BENCH_RESULTS" node --input-type=module -e 'import { targetsTable } from "./bench/lib.mjs"; process.stdout.write(targetsTable())')
  if [[ -n "$targets" ]]; then echo "## Targets (issues 16 and 17), each measured side by side in this run"; echo; echo "$targets"; echo; fi
  for f in "$BENCH_RESULTS"/[0-9]-*.md; do [[ -f "$f" ]] && cat "$f" && echo; done
  if ((${#failed[@]})); then echo "## Failed"; echo; printf -- '- %s\n' "${failed[@]}"; fi
} > "$BENCH_RESULTS/summary.md"

echo
cat "$BENCH_RESULTS/summary.md"
echo
echo "written: $BENCH_RESULTS/summary.md"
((${#failed[@]} == 0))
