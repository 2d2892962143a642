# Shared by the example scripts (sourced, not run): arguments, the two CLIs, and small helpers
# that print each step before doing it.
#
#   --data-dir DIR   the cluster's data dir (default: $CLUSTER_DIR, else .cluster), as given to `cluster up`
#   KUBECTL=...      the kubectl to use (default: node dist/kubectl-lite/main.js; `KUBECTL=kubectl` works too)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLUSTER_DIR="${CLUSTER_DIR:-.cluster}"

usage() {
  sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
  exit "${1:-0}"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --data-dir) [ $# -ge 2 ] || usage 2; CLUSTER_DIR="$2"; shift 2 ;;
    --data-dir=*) CLUSTER_DIR="${1#--data-dir=}"; shift ;;
    -h|--help) usage 0 ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
done

CLUSTER_DIR="$(cd "$CLUSTER_DIR" 2>/dev/null && pwd)" || { echo "no cluster data dir '$CLUSTER_DIR': start one with 'node dist/cluster/main.js up --detach' or pass --data-dir" >&2; exit 1; }
export KUBECONFIG="$CLUSTER_DIR/kubeconfig"
[ -f "$KUBECONFIG" ] || { echo "$KUBECONFIG is missing: is a cluster running in $CLUSTER_DIR?" >&2; exit 1; }
[ -f "$ROOT/dist/cluster/main.js" ] || { echo "dist/ is missing: run 'npm run build' first" >&2; exit 1; }
read -r -a KUBECTL_CMD <<< "${KUBECTL:-node $ROOT/dist/kubectl-lite/main.js}"

# cluster ARGS...: the launcher, always on this data dir.
cluster() { node "$ROOT/dist/cluster/main.js" "$@" --data-dir "$CLUSTER_DIR"; }
# k ARGS...: kubectl-lite (or $KUBECTL) with the cluster's kubeconfig.
k() { "${KUBECTL_CMD[@]}" "$@"; }

step() { printf '\n==> %s\n' "$*"; }
look() { printf '    (look: %s)\n' "$*"; }
# show CMD...: print the command as the user would type it, then run it.
show() {
  local words=("$@")
  case "$1" in
    k) words=(kubectl "${@:2}") ;;
    cluster) words=(cluster "${@:2}") ;;
  esac
  printf '$ %s\n' "${words[*]}"
  "$@"
}
die() { printf '\nFAILED: %s\n' "$*" >&2; exit 1; }

# wait_for SECONDS WHAT CMD...: run CMD every second until it succeeds; die after SECONDS.
wait_for() {
  local timeout="$1" what="$2" start=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ $((SECONDS - start)) -lt "$timeout" ] || die "timed out after ${timeout}s waiting for $what"
    sleep 1
  done
}

# status_field EXPR: one value from `cluster status -o json` (EXPR is JavaScript over `s`).
status_field() {
  cluster status -o json | node -e 'let t="";process.stdin.on("data",d=>t+=d).on("end",()=>{const s=JSON.parse(t);const v=('"$1"');process.stdout.write(v===undefined?"":String(v))})'
}

# jsonpath KIND/NAME PATH [ARGS...]: one field of an object, '' if it has none.
jsonpath() { k get "$1" -o "jsonpath={$2}" "${@:3}" 2>/dev/null || true; }
