#!/usr/bin/env bash
# Install what evidence packs and their tests need:
#   - fonts-wqy-microhei: a CJK font with TrueType outlines (reportlab embeds TrueType only, not CFF),
#     used by the PDF report and the matplotlib figures;
#   - poppler-utils: pdftoppm / pdftotext, used by tests/evidence to look at the rendered PDF;
#   - the `report` extra (reportlab, matplotlib).
# Idempotent; safe to call on every CI run.  Run as root (CI is root).
# --system: the Debian packages only (.ci/run installs them while pip runs; a second pip would race the first).
set -euo pipefail
need=()
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ "${1:-}" = --system ] && exit 0
python3 -c 'import reportlab, matplotlib' 2>/dev/null || python3 -m pip install -q 'reportlab>=4.0' 'matplotlib>=3.8'
echo "evidence deps ok: $(pdftoppm -v 2>&1 | head -1); font $(ls /usr/share/fonts/truetype/wqy/wqy-microhei.ttc)"
