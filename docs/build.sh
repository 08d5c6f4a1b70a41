#!/usr/bin/env bash
# Build the HTML documentation into docs/_build/html, treating every Sphinx
# warning as an error. Installs nothing. It needs `pip install ".[docs]"`
# and, for the formulas, latex with anyfontsize.sty and preview.sty plus
# dvisvgm (Debian: texlive-latex-base, texlive-latex-extra, dvisvgm,
# preview-latex-style). It runs the gallery examples, so it takes a minute
# or two. Extra arguments go to sphinx-build (e.g. -D plot_gallery=0).
set -euo pipefail
cd "$(dirname "$0")"

missing=()
for tool in latex dvisvgm kpsewhich; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if command -v kpsewhich >/dev/null 2>&1; then
    for sty in preview.sty anyfontsize.sty; do
        [ -n "$(kpsewhich "$sty")" ] || missing+=("$sty")
    done
fi
if [ "${#missing[@]}" -gt 0 ]; then
    echo "docs/build.sh: missing ${missing[*]}. On Debian or Ubuntu install them" \
        "with: apt-get install --no-install-recommends texlive-latex-base" \
        "texlive-latex-extra dvisvgm preview-latex-style" >&2
    exit 1
fi

# one BLAS thread keeps the gallery's timings comparable on a shared machine
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export MKL_NUM_THREADS="${MKL_NUM_THREADS:-1}"
export MPLBACKEND=Agg

python -m sphinx -W --keep-going -b html -j 1 "$@" . _build/html
echo "docs/build.sh: HTML pages written to $(pwd)/_build/html"
