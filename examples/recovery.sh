#!/usr/bin/env bash
# recovery.sh: the control plane is stateless; kill it mid-change and it converges anyway.
#
# Applies the Deployment "recovery" (2 replicas), kills the controller-manager and the scheduler,
# scales to 6 while they are down (the desired count is stored, nothing acts on it), then starts the
# controller-manager (6 pods are created but stay Pending: nothing binds them to a node) and the
# scheduler (the pods are bound and run). Idempotent: run it as often as you like.
#
# Usage: examples/recovery.sh [--data-dir DIR]   (default: $CLUSTER_DIR, else .cluster; KUBECTL=... to override)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REPLICAS=6
phases() { jsonpath pods '.items[*].status.phase' -l app=recovery; }
count() { local n=0 p; for p in $(phases); do [ "$p" = "$1" ] && n=$((n + 1)); done; echo "$n"; }
total() { set -- $(phases); echo $#; }
pods_are() { [ "$(total)" = "$1" ]; }        # pods_are N: exactly N pods exist
running_are() { [ "$(count Running)" = "$1" ]; }

step "1. Deployment 'recovery' with 2 replicas, with every component up"
# Components killed by an earlier, interrupted run are started again first.
for c in controller-manager scheduler; do
  [ "$(status_field "s.components.find(c => c.name === '$c').running")" = true ] || show cluster start "$c"
done
show k apply -f - <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: recovery
  labels:
    app: recovery
spec:
  replicas: 2
  selector:
    matchLabels:
      app: recovery
  template:
    metadata:
      labels:
        app: recovery
    spec:
      containers:
      - name: app
        image: docker.io/library/nginx:1.27
        resources:
          requests:
            cpu: 100m
            memory: 64Mi
YAML
show k scale deployment/recovery --replicas=2
show k rollout status deployment/recovery --timeout=60s
wait_for 60 "2 pods" pods_are 2
show k get pods -l app=recovery -o wide

step "2. Kill the controller-manager and the scheduler (SIGKILL)"
show cluster kill controller-manager
show cluster kill scheduler
show cluster status
look "controller-manager and scheduler are not running; the store, apiserver and nodes still are"

step "3. Scale to $REPLICAS while they are down"
show k scale deployment/recovery --replicas=$REPLICAS
sleep 3
show k get deployment recovery
show k get pods -l app=recovery
look "spec.replicas is $REPLICAS in the store, but still $(total) pods: no ReplicaSet controller creates them"
[ "$(total)" = 2 ] || die "pods were created with the controller-manager down"

step "4. Start the controller-manager only"
show cluster start controller-manager
look "the new controller-manager leads once the killed one's Lease expires (up to 15 s), then creates the pods"
wait_for 60 "$REPLICAS pods to exist" pods_are "$REPLICAS"
sleep 2
show k get pods -l app=recovery -o wide
look "$(count Pending) pods Pending with no NODE: created by the ReplicaSet controller, but no scheduler binds them"
[ "$(count Pending)" -ge $((REPLICAS - 2)) ] || die "expected at least $((REPLICAS - 2)) Pending pods"

step "5. Start the scheduler"
show cluster start scheduler
look "the scheduler too waits for its Lease (up to 15 s)"
wait_for 60 "$REPLICAS Running pods" running_are "$REPLICAS"
show k rollout status deployment/recovery --timeout=60s
show k get pods -l app=recovery -o wide
show k get deployment recovery
look "every pod has a NODE and is Running: the restarted components listed the store and converged"

ready="$(jsonpath deployment/recovery .status.readyReplicas)"
[ "$ready" = "$REPLICAS" ] || die "deployment recovery has $ready ready replicas, want $REPLICAS"
printf '\nrecovery: OK, %s/%s pods Running after the controller-manager and the scheduler were killed and restarted\n' "$(count Running)" "$REPLICAS"
