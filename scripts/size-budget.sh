#!/usr/bin/env bash
# The size budget (part of `make test`): fails when the release SPA in dist/ (wasm + JS + CSS, brotli -q 11)
# is larger than the budget recorded in size-budget.txt. Every change must pay for its bytes: when a change
# makes the SPA smaller, lower the budget to the new total; raising it needs a reason in the commit message.
set -euo pipefail
cd "$(dirname "$0")/.."
budget=$(grep -v '^#' size-budget.txt | tr -d '[:space:]')
total=$(bash scripts/size-total.sh dist)
pct=$(awk -v t="$total" -v b="$budget" 'BEGIN { printf "%.1f", 100 * t / b }')
echo "size budget: the SPA is $total B brotli, the budget $budget B ($pct % used)"
if [ "$total" -gt "$budget" ]; then
  echo "size budget: over by $((total - budget)) B. Make it smaller (see \`make size\` and \`make twiggy\`) or, with a reason, raise size-budget.txt." >&2
  exit 1
fi
