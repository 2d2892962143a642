#!/usr/bin/env bash
# snapshot-restore.sh: the store is the only state; put it back and the whole cluster follows.
#
# Makes sure the guestbook (examples/guestbook/) runs, saves a store snapshot with
# `cluster snapshot save`, deletes the guestbook namespace (everything in it goes), then
# `cluster restore FILE`: the cluster is stopped, every store member rebuilt from the snapshot,
# the cluster started again, and the controllers and nodes converge on the restored objects.
# The old store data is kept aside in DATA-DIR/store.before-restore-<time>/ (remove it yourself).
# Idempotent. Exits 3 with a message if this build's launcher has no `cluster restore`.
#
# Usage: examples/snapshot-restore.sh [--data-dir DIR]   (default: $CLUSTER_DIR, else .cluster; KUBECTL=... to override)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

help="$(node "$ROOT/dist/cluster/main.js" --help 2>&1 || true)"
if ! grep -q 'cluster restore FILE' <<< "$help" || grep -Eq 'cluster restore FILE.*not available' <<< "$help"; then
  echo 'snapshot-restore: `cluster restore` is not available in this build of the launcher yet (see `node dist/cluster/main.js --help`); nothing was changed' >&2
  exit 3
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
SNAPSHOT="$WORK/guestbook.db"

phases() { jsonpath pods '.items[*].status.phase' -n guestbook; }
guestbook_running() { local p n=0; for p in $(phases); do [ "$p" = Running ] || return 1; n=$((n + 1)); done; [ "$n" = 4 ]; }
namespace_gone() { ! k get namespace guestbook >/dev/null 2>&1; }

step "1. The guestbook, running"
show k apply -f "$ROOT/examples/guestbook/"
wait_for 90 "the 4 guestbook pods to run" guestbook_running
show k get deployments,services,configmaps,secrets -n guestbook

step "2. Save a snapshot of the store"
show cluster snapshot save "$SNAPSHOT"
look "the file is what etcdctl snapshot save writes; etcdctl snapshot status reads it too"

step "3. Delete the guestbook namespace"
show k delete namespace guestbook
wait_for 90 "the namespace to be gone" namespace_gone
show k get namespace guestbook || true
look "the Namespace controller deleted every object in it, then the namespace"

step "4. Restore the snapshot"
show cluster restore "$SNAPSHOT"
show cluster status
look "a new store (new cluster id, same keys and revisions); every component started again"

step "5. The guestbook is back"
wait_for 120 "the 4 guestbook pods to run again" guestbook_running
show k get deployments,services,configmaps,secrets -n guestbook
show k get pods -n guestbook -o wide
look "the objects are the snapshot's (same names, same age); the controllers and kubelet-lite took them up again"

frontend="$(jsonpath deployment/frontend .status.readyReplicas -n guestbook)"
redis="$(jsonpath deployment/redis .status.readyReplicas -n guestbook)"
k get configmap guestbook-config -n guestbook >/dev/null 2>&1 || die "configmap guestbook-config is missing"
k get secret redis-auth -n guestbook >/dev/null 2>&1 || die "secret redis-auth is missing"
[ "$frontend" = 3 ] && [ "$redis" = 1 ] || die "frontend $frontend/3 and redis $redis/1 ready"
printf '\nsnapshot-restore: OK, namespace guestbook deleted and restored: frontend 3/3, redis 1/1, its ConfigMap, Secret and Services back\n'
