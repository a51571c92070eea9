#!/usr/bin/env bash
# Installs the Debian packages that the demo and the tests run for real.
# Needs root (or sudo). Safe to run again: packages already present are skipped.
set -euo pipefail
packages=(docker-registry skopeo nginx-light busybox-static redis-server redis-sentinel docker.io containerd runc podman buildah apache2-utils aria2 opentracker mktorrent python3-libtorrent time systemd adduser iproute2 gnuplot-nox openjdk-17-jre-headless curl jq ca-certificates)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root, or install sudo" >&2; exit 1; }
  sudo=sudo
fi
echo "install-deps: installing ${missing[*]}" >&2
# Keep package scripts from starting services (a stray registry on :5000, for example).
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
fi
$sudo apt-get update -q
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
