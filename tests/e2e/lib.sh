# Helpers for the end-to-end tests (sourced). FINSEG, FINSEG_SHARED_DIR, MPIEXEC come from CTest.
set -euo pipefail
: "${FINSEG:?run through ctest (FINSEG is the finseg binary)}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/finseg-e2e-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
MPIEXEC="${MPIEXEC:-mpirun}"
COMPARE="/usr/bin/python3 $FINSEG_SHARED_DIR/tools/compare_results.py"

fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_exit CODE command...: runs the command, fails the test unless it exits with CODE.
expect_exit() {
  local want=$1; shift
  set +e; "$@" >"$WORK/out" 2>"$WORK/err"; local got=$?; set -e
  if [ "$got" != "$want" ]; then
    echo "--- stdout"; cat "$WORK/out"; echo "--- stderr"; cat "$WORK/err"
    fail "expected exit $want, got $got: $*"
  fi
}
mpi() { local np=$1; shift; "$MPIEXEC" -np "$np" --oversubscribe "$@"; }
