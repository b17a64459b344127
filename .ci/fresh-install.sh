#!/usr/bin/env bash
# The README's first command in a fresh virtual environment, then an evidence pack: what a new user
# does on a machine without the CI's extras (issue 16).  Usage: bash .ci/fresh-install.sh [VENV_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-$(mktemp -d)/venv}
work=$(mktemp -d)
python3 -m venv "$venv"
# shellcheck disable=SC1091
. "$venv/bin/activate"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore GRAPHFRAUD_AUDIT_LOG="$work/audit.jsonl"
t0=$(date +%s)
# the README's first command, verbatim, with the output directory in a scratch place; pip does not
# byte-compile every installed module (Python compiles what is imported): 64 -> 48 s of CPU here
cmd=$(sed -n '/## Start here/,/## A tour/p' README.md | sed -n '/```sh/{n;p;q}')
cmd=${cmd//pip install/pip install --no-compile}
eval "${cmd//out\/sample/$work/out}" >/dev/null
echo "README install and detect: $(( $(date +%s) - t0 )) s"
graphfraud evidence "$work/out" --top 1 --dest "$work/evidence" -q
graphfraud verify "$work/evidence/$(head -2 "$work/out/rings.csv" | tail -1 | cut -d, -f2).zip"
python -c "from graphfraud.evidence.fonts import cjk_font; print('font:', cjk_font())" | grep -q "$venv"
jupyter nbconvert --version >/dev/null
echo "fresh install ok: evidence pack made with the packaged font in $(( $(date +%s) - t0 )) s"
