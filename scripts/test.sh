#!/bin/sh
# The whole suite: library and simulator tests, then every feature against each preset of
# the simulated cluster (scenarios that do not apply to a preset say why they skip).
set -eu
cd "$(dirname "$0")/.."
py=.venv/bin
$py/pytest tests -q "$@"
for preset in aix-db2 linux-postgres linux-mysql linux-sqlite linux-twin; do
    echo "== features against preset $preset"
    $py/pytest features --preset "$preset" -q "$@"
done
