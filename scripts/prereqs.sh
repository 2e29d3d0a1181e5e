#!/usr/bin/env bash
# Installs what measuring and the tests need from Debian (when missing) and starts a Docker
# engine when none answers. Safe to run again: it only acts on what is missing.
#   scripts/prereqs.sh          engine + tools for measuring
#   scripts/prereqs.sh --browser   also Chromium, for the site's browser test
set -euo pipefail

packages=()
command -v dockerd >/dev/null 2>&1 || packages+=(docker.io)
[ -x /usr/bin/docker ] || packages+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || packages+=(debootstrap)
command -v docker-registry >/dev/null 2>&1 || packages+=(docker-registry)
if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ] && [ ! -x /usr/bin/google-chrome ]; then
  packages+=(chromium)
fi

# As root, or through password-less sudo (as on GitHub's runners); otherwise say what to run.
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then as_root=(sudo -n); else as_root=(); fi
fi
can_root() { [ "$(id -u)" -eq 0 ] || [ ${#as_root[@]} -gt 0 ]; }

if [ ${#packages[@]} -gt 0 ]; then
  if ! can_root; then
    echo "prereqs: missing ${packages[*]}: run 'sudo apt-get install -y ${packages[*]}'" >&2
    exit 1
  fi
  echo "prereqs: installing ${packages[*]}"
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
fi

# Debian's CLI first: the preinstalled newer one may be a client with no engine behind it.
docker_cli=/usr/bin/docker
if ! timeout 10 "$docker_cli" info >/dev/null 2>&1; then
  if ! can_root; then
    echo "prereqs: no Docker engine answers: start one ('sudo dockerd &') or set DOCKER_HOST" >&2
    exit 1
  fi
  echo "prereqs: starting dockerd (log: /var/log/labreport-dockerd.log)"
  "${as_root[@]}" nohup dockerd >/var/log/labreport-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    timeout 5 "$docker_cli" info >/dev/null 2>&1 && break
    sleep 1
  done
  timeout 10 "$docker_cli" info >/dev/null 2>&1 || { echo "prereqs: dockerd did not start; see /var/log/labreport-dockerd.log" >&2; exit 1; }
fi
echo "prereqs: Docker engine $("$docker_cli" version --format '{{.Server.Version}}') answers"
