#!/usr/bin/env bash
# leader-failover.sh: kill the store's Raft leader under a write load; no acknowledged write is lost.
#
# Creates ConfigMaps in a loop (namespace "failover", one `kubectl create` after the other), and
# while they are being written kills the store member that is the Raft leader (SIGKILL). The two
# others elect a new leader; `cluster status` shows it. Writes that fail during the election were
# never acknowledged; every write that was acknowledged must still be there. Then the killed member
# is started again and catches up. Idempotent: each run uses its own ConfigMap names.
#
# Usage: examples/leader-failover.sh [--data-dir DIR]   (default: $CLUSTER_DIR, else .cluster; KUBECTL=... to override)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUN="run$(date +%s)"
WORK="$(mktemp -d)"
WRITER=""
cleanup() {
  if [ -n "$WRITER" ]; then kill "$WRITER" 2>/dev/null || true; wait "$WRITER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# writer: create failover/RUN-1, RUN-2, ... until $WORK/stop exists; an acknowledged name goes to
# $WORK/acked (the apiserver answered 201), a failed one to $WORK/failed.
writer() {
  local i=0 name
  while [ ! -e "$WORK/stop" ]; do
    i=$((i + 1))
    name="$RUN-$i"
    if printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n  namespace: failover\ndata:\n  seq: "%s"\n' "$name" "$i" \
      | k create -f - >/dev/null 2>>"$WORK/errors"; then
      echo "$name" >> "$WORK/acked"
    else
      echo "$name" >> "$WORK/failed"
    fi
  done
}
lines() { if [ -f "$1" ]; then wc -l < "$1" | tr -d ' '; else echo 0; fi; }
leader() { status_field 's.storeLeader'; }
has_leader() { [ -n "$(leader)" ]; }
has_new_leader() { local l; l="$(leader)"; [ -n "$l" ] && [ "$l" != "$1" ]; }
member_caught_up() {  # the member is healthy and at the same revision as the leader
  [ "$(status_field "(() => { const m = s.components.find(c => c.name === '$1'); const l = s.components.find(c => c.role === 'leader'); return m && l && m.healthy && m.revision === l.revision })()")" = true ]
}

step "1. The store before: 3 members, one leader"
members="$(status_field "s.components.filter(c => c.kind === 'store').length")"
[ "$members" -ge 3 ] || die "this needs 3 store members (cluster up --store-members 3); the cluster has $members"
# A member left stopped by an interrupted run is started again first.
for m in $(status_field "s.components.filter(c => c.kind === 'store' && !c.running).map(c => c.name).join(' ')"); do
  show cluster start "$m"
done
wait_for 30 "a store leader" has_leader
show cluster status
OLD="$(leader)"
[ -n "$OLD" ] || die "no store leader"
look "$OLD is the Raft leader"

step "2. Write ConfigMaps failover/$RUN-N in a loop"
show k apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: failover
YAML
writer &
WRITER=$!
sleep 4
echo "    $(lines "$WORK/acked") created so far"

step "3. Kill the leader, $OLD, while the writes go on"
show cluster kill store-leader
start=$SECONDS
wait_for 30 "a new leader" has_new_leader "$OLD"
NEW="$(leader)"
echo "    new leader $NEW elected within $((SECONDS - start)) s of the kill"
show cluster status
look "$OLD stopped; $NEW is leader in a higher term; the apiserver moved to the live members"
sleep 4

step "4. Stop writing"
touch "$WORK/stop"
wait "$WRITER" || true
WRITER=""
acked="$(lines "$WORK/acked")"
failed="$(lines "$WORK/failed")"
echo "    $acked creates acknowledged, $failed failed (while there was no leader; never acknowledged, so they may or may not exist)"
if [ "$failed" -gt 0 ]; then echo "    first error: $(head -n 1 "$WORK/errors")"; fi
[ "$acked" -gt 0 ] || die "no write was acknowledged"

step "5. Start $OLD again; it catches up from the new leader"
show cluster start "$OLD"
wait_for 60 "$OLD to catch up" member_caught_up "$OLD"
show cluster status
look "$OLD is a follower at the same revision as $NEW"

step "6. Check that every acknowledged ConfigMap exists"
echo '$ kubectl get configmaps -n failover -o name'
k get configmaps -n failover -o name > "$WORK/present.raw"
sed 's#^configmap/##' "$WORK/present.raw" | sort > "$WORK/present"
sort "$WORK/acked" > "$WORK/acked.sorted"
missing="$(comm -23 "$WORK/acked.sorted" "$WORK/present")"
found=$(( acked - $(printf '%s' "$missing" | grep -c . || true) ))
echo "    $found of $acked acknowledged ConfigMaps are in the store ($(grep -c "^$RUN-" "$WORK/present" || true) of this run in all)"
[ -z "$missing" ] || die "acknowledged but missing: $(echo $missing)"
printf '\nleader-failover: OK, leader %s killed, %s elected, all %s acknowledged writes present (%s unacknowledged)\n' "$OLD" "$NEW" "$acked" "$failed"
