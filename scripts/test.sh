#!/bin/sh
# The whole suite: library and simulator tests, then every feature against each preset of
# the simulated cluster (scenarios that do not apply to a preset say why they skip). Each
# preset starts from freshly created nodes, so no state left by an earlier run leaks in.
#
# Three lanes run side by side, each on clusters no other lane touches: the suite mostly
# waits on the simulated hosts (boots, HADR, failovers), so lanes cut the wall time without
# sharing a cluster. tests/ uses aix-db2, linux-postgres(-streaming), linux-sqlite, aix-lab
# and linux-db2, so features on linux-postgres and linux-sqlite wait until tests/ is done.
set -u
cd "$(dirname "$0")/.."
py=.venv/bin
logs=${HAMN_TEST_LOGS:-.hamn-test-logs}
rm -rf "$logs" && mkdir -p "$logs"
$py/hamn sim up --fresh >/dev/null || exit 1  # builds the images once, before the lanes

features() {  # features against PRESET, from fresh nodes; the cluster is removed after
    echo "== features against preset $1"
    $py/hamn sim up --preset "$1" --fresh >/dev/null || return 1
    frc=0
    $py/pytest features --preset "$1" -q || frc=$?
    [ "$1" = aix-db2 ] || $py/hamn sim down --preset "$1" >/dev/null
    return $frc
}

wait_tests() {
    while [ ! -e "$logs/tests.done" ]; do sleep 2; done
}

lane1() {
    rc=0
    $py/pytest tests -q || rc=$?
    touch "$logs/tests.done"
    features aix-db2 || rc=1
    return $rc
}
later() {  # features on FIRST, then (once tests/ is done) on SECOND
    rc=0
    features "$1" || rc=1
    wait_tests
    features "$2" || rc=1
    return $rc
}
lane2() { later linux-mysql linux-postgres; }
lane3() { later linux-twin linux-sqlite; }

for lane in 1 2 3; do
    ( lane$lane > "$logs/lane$lane.log" 2>&1; echo $? > "$logs/lane$lane.rc" ) &
done
wait
status=0
for lane in 1 2 3; do
    echo "======== lane $lane"
    cat "$logs/lane$lane.log"
    [ "$(cat "$logs/lane$lane.rc")" = 0 ] || status=1
done
echo "======== lanes exit codes: $(cat "$logs"/lane*.rc | tr '\n' ' ')"
exit $status
