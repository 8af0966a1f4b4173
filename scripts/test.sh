#!/bin/sh
# The whole suite: library and simulator tests, then every feature against each preset of
# the simulated cluster (scenarios that do not apply to a preset say why they skip). Each
# preset starts from freshly created nodes, so no state left by an earlier run leaks in.
set -eu
cd "$(dirname "$0")/.."
py=.venv/bin
$py/hamn sim up --fresh >/dev/null
$py/pytest tests -q "$@"
for preset in aix-db2 linux-postgres linux-mysql linux-sqlite linux-twin; do
    echo "== features against preset $preset"
    $py/hamn sim up --preset "$preset" --fresh >/dev/null
    $py/pytest features --preset "$preset" -q "$@"
    [ "$preset" = aix-db2 ] || $py/hamn sim down --preset "$preset"
done
