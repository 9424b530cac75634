#!/usr/bin/env bash
# Exit-cost benchmark: see exit-cost.py. Usage: bench/exit-cost/run.sh [BUILD] [extra args]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
shift || true
exec python3 "$here/exit-cost.py" --build "$build" "$@"
