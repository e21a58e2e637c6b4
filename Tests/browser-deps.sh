#!/bin/sh
# What the console's browser tests need: Debian's chromium and chromium-driver.
# Silent when both are installed; installs them when run as root; otherwise
# prints the command to run and fails.
missing=""
for package in chromium chromium-driver; do
  dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "installing$missing for the browser tests"
  apt-get install -y -q$missing >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q$missing >/dev/null; }
  exit $?
fi
echo "the browser tests need$missing; run: sudo apt-get install -y$missing" >&2
exit 1
