#!/bin/sh
set -eu
systemctl disable --now acme-agent || true
DEBIAN_FRONTEND=noninteractive apt-get remove -y acme-agent
