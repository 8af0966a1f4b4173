#!/bin/sh
# The whole suite: library and simulator tests, then every feature against each kind of
# simulated cluster (scenarios that do not apply to a preset say why they skip). Each preset
# starts from freshly created nodes, so no state left by an earlier run leaks in.
#
# Four lanes run side by side, each on clusters no other lane touches: the suite mostly
# waits on the simulated hosts (boots, HADR, failovers), so lanes cut the wall time without
# sharing a cluster. tests/ uses aix-db2 (its default), aix-db2-11.5, aix-lab and linux-db2;
# so the AIX/DB2 features run on aix-faults, the same cluster as aix-db2 on its own subnet.
# The simulator tests that need a PostgreSQL or SQLite preset run in the lane of that preset.
set -u
cd "$(dirname "$0")/.."
py=.venv/bin
logs=${HAMN_TEST_LOGS:-.hamn-test-logs}
rm -rf "$logs" && mkdir -p "$logs"
$py/hamn sim up --fresh >/dev/null || exit 1  # builds the images once, before the lanes

on() {  # on PRESET [TEST FILE...]: features (and those tests) against fresh nodes of PRESET
    preset=$1; shift
    echo "== features against preset $preset ($(date +%T))"
    $py/hamn sim up --preset "$preset" --fresh >/dev/null || return 1
    orc=0
    $py/pytest features --preset "$preset" -q || orc=1
    if [ $# -gt 0 ]; then
        echo "== $* against preset $preset ($(date +%T))"
        $py/pytest "$@" --preset "$preset" -q || orc=1
    fi
    $py/hamn sim down --preset "$preset" >/dev/null
    echo "== preset $preset done ($(date +%T))"
    return $orc
}

lane1() { $py/pytest tests -q --ignore=tests/sim/test_status_sim.py; }
lane2() { on aix-faults; }
lane3() {
    rc=0
    on linux-mysql || rc=1
    on linux-postgres tests/sim/test_pgsql_sim.py || rc=1
    return $rc
}
lane4() {
    rc=0
    on linux-twin || rc=1
    on linux-sqlite tests/sim/test_sqlite_sim.py || rc=1
    on linux-postgres-streaming tests/sim/test_pgsql_sim.py tests/sim/test_status_sim.py || rc=1
    return $rc
}

for lane in 1 2 3 4; do
    ( lane$lane > "$logs/lane$lane.log" 2>&1; echo $? > "$logs/lane$lane.rc" ) &
done
wait
status=0
for lane in 1 2 3 4; do
    echo "======== lane $lane"
    cat "$logs/lane$lane.log"
    [ "$(cat "$logs/lane$lane.rc")" = 0 ] || status=1
done
echo "======== lanes exit codes: $(cat "$logs"/lane*.rc | tr '\n' ' ')"
exit $status
