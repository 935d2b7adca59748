#!/usr/bin/env bash
# Reads the TRX and coverage files under $1 and prints the coverage figure and the one-line
# "N passed, N failed" summary. Fails when dotnet test failed ($2), a test failed, or no test ran
# (a filter that matches nothing exits 0 in dotnet test).
set -euo pipefail
results=$1; test_status=${2:-0}
trx=$(find "$results" -name '*.trx' -print -quit 2>/dev/null)
if [ -z "$trx" ]; then echo "0 passed, 0 failed"; echo "ci: no test results found (did the build fail?)"; exit 1; fi
counters=$(grep -m1 -o '<Counters [^>]*>' "$trx")
get() { sed -E "s/.* $1=\"([0-9]+)\".*/\1/" <<<"$counters"; }
passed=$(get passed); failed=$(get failed); executed=$(get executed); total=$(get total)
skipped=$((total - executed))
cov=$(find "$results" -name 'coverage.cobertura.xml' -print -quit)
if [ -n "$cov" ]; then
  rate=$(grep -m1 -o 'line-rate="[0-9.]*"' "$cov" | sed -E 's/[^0-9.]//g')
  awk -v r="$rate" 'BEGIN { printf "line coverage: %.1f%%\n", r * 100 }'
fi
echo "skipped: $skipped"
echo "$passed passed, $failed failed"
if [ "$executed" -eq 0 ]; then echo "ci: no test ran"; exit 1; fi
if [ "$failed" -ne 0 ] || [ "$test_status" -ne 0 ]; then exit 1; fi
