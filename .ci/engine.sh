#!/usr/bin/env bash
# The Docker engine for a CI run, sourced by .ci/run (and by its test with stand-ins for
# docker and dockerd). A run must be a machine that never ran kind: when no engine answers it
# starts one on a new, empty data root (no leftover networks, images or containers) and
# stops it at the end, emptied, so the next run starts fresh too. When an engine already
# answers (a developer's machine) it is used as it is, said in one line: two engines on one
# host fight over docker0, iptables and the address pools, so a second is never started.

ci_engine_started=""
ci_engine_root=""
ci_engine_log="${TMPDIR:-/tmp}/kindscope-dockerd.log"

ci_engine_start() {
  if docker version >/dev/null 2>&1; then
    echo "This run is NOT on a fresh engine: it uses the Docker engine already running ($(docker info --format '{{.Containers}} containers, {{.Images}} images' 2>/dev/null || echo 'contents unknown')); what earlier runs left there can hide first-run failures."
    return 0
  fi
  ci_engine_root="$(mktemp -d "${TMPDIR:-/tmp}/kindscope-docker-root.XXXXXX")"
  # No --live-restore: stopping this engine must stop its containers too.
  dockerd --data-root "$ci_engine_root" >"$ci_engine_log" 2>&1 &
  ci_engine_started=$!
  for _ in $(seq 1 60); do
    docker version >/dev/null 2>&1 && break
    kill -0 "$ci_engine_started" 2>/dev/null || break
    sleep 1
  done
  if ! docker version >/dev/null 2>&1; then
    echo "The Docker engine did not start:"
    tail -20 "$ci_engine_log"
    return 1
  fi
  echo "A fresh engine for this run: data root $ci_engine_root (dockerd pid $ci_engine_started, log $ci_engine_log)"
}

# Empties and stops the engine this run started (everything on it is the run's own); a no-op
# for an engine that was already running.
ci_engine_stop() {
  [ -n "$ci_engine_started" ] || return 0
  local containers
  containers="$(docker ps --all --quiet 2>/dev/null || true)"
  # shellcheck disable=SC2086 # one argument per container id
  [ -z "$containers" ] || docker rm --force $containers >/dev/null 2>&1 || true
  # The networks' bridges would otherwise stay on the host and push the next engine's subnets aside.
  docker network prune --force >/dev/null 2>&1 || true
  kill "$ci_engine_started" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 "$ci_engine_started" 2>/dev/null || break; sleep 1; done
  rm -rf "$ci_engine_root" 2>/dev/null || echo "Could not remove all of $ci_engine_root (still mounted?)"
  echo "Stopped the run's engine (pid $ci_engine_started) and removed its data root"
  ci_engine_started=""
}
