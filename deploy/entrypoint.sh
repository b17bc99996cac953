#!/usr/bin/env bash
# The container's entry point (installed as /opt/lipdrop/bin/lipdrop-container by deploy/Dockerfile): bin/lipdrop run,
# which execs the JVM in place of this script, so the JVM is the container's PID 1 and SIGTERM (docker stop, the
# kubelet) reaches it: it stops gracefully, jobs in flight finish first (camel.main.shutdown-timeout), and it removes
# the PID file itself.
set -euo pipefail
app="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# A container runs one service on its home, and its process ids start afresh. A PID file already in the home was left
# by a container that was killed (out of memory, kill -9) with the home kept (a volume, an emptyDir across a
# restart): it names a process of that container, often PID 1, which here is this script. bin/lipdrop run would take
# it for a running service and refuse to start, again at every restart.
rm -f "${LIPDROP_HOME:?LIPDROP_HOME is not set}/lipdrop.pid"
exec "$app/bin/lipdrop" run
