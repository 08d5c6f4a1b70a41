"""Sphinx configuration for the skpoly documentation.

The site builds and reads offline: no inventory is fetched, math is rendered
to inline SVG at build time by LaTeX and dvisvgm (``sphinx.ext.imgmath``),
and every theme or gallery option that would reach out to the network is
switched off. Build it with ``bash docs/build.sh``.
"""

import importlib
import os
import re
import sys
import warnings
from pathlib import Path

DOCS_DIR = Path(__file__).resolve().parent
ROOT_DIR = DOCS_DIR.parent

# document the checkout these docs sit in, not whatever skpoly is installed
sys.path.insert(0, str(ROOT_DIR))

import skpoly  # noqa: E402

# -- Project -----------------------------------------------------------------

project = "skpoly"
author = "The skpoly developers"
copyright = "the skpoly developers, BSD-3-Clause licence"
release = skpoly.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.imgmath",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "Thumbs.db",
    ".DS_Store",
    "**.ipynb_checkpoints",
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
    "auto_examples/*.md5",
    "auto_examples/*.codeobj.json",
]
root_doc = "index"
default_role = "literal"

# -- Math: rendered to SVG at build time, nothing loaded when viewing ----------

# Needs latex with anyfontsize.sty, dvisvgm and preview.sty; on Debian the
# packages texlive-latex-base, texlive-latex-extra, dvisvgm and
# preview-latex-style (docs/build.sh checks for them).
html_math_renderer = "imgmath"
imgmath_image_format = "svg"
imgmath_use_preview = True
imgmath_embed = True
imgmath_font_size = 14
imgmath_latex_preamble = r"\newcommand{\R}{\mathbb{R}}"

# -- API reference -----------------------------------------------------------

autosummary_imported_members = False
autodoc_typehints = "none"

numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# the API reference's sections, written below from each module's __all__ and
# included by api.rst (git ignores it; exclude_patterns keeps Sphinx from
# reading it as a page of its own)
API_SECTIONS = DOCS_DIR / "_api_sections.rst"
exclude_patterns.append(API_SECTIONS.name)
autosummary_generate = [API_SECTIONS.name]

# section titles of the modules the API reference lists; any other public
# module is listed under its own name
API_TITLES = {
    "skpoly": "Estimators",
    "skpoly.inspection": "Inspecting fitted networks",
    "skpoly.streaming": "Fitting on data that does not fit in memory",
}


def _public_modules():
    """Return skpoly and every public submodule present in the checkout."""
    names = ["skpoly"]
    package_dir = Path(skpoly.__file__).resolve().parent
    for path in sorted(package_dir.iterdir()):
        name = path.stem if path.suffix == ".py" else path.name
        is_module = path.suffix == ".py" or (path / "__init__.py").exists()
        if is_module and not name.startswith("_"):
            names.append(f"skpoly.{name}")
    return names


def _write_api_sections():
    """Write one autosummary section per public module from its ``__all__``.

    Generating the tables from ``__all__`` keeps the reference complete as
    functions are added; a public module without ``__all__`` stops the build.
    """
    lines = []
    for module_name in _public_modules():
        module = importlib.import_module(module_name)
        public = getattr(module, "__all__", None)
        if public is None:
            raise RuntimeError(
                f"{module_name} has no __all__, so the API reference cannot "
                "tell which of its names are public. Add an __all__ listing "
                "them."
            )

        members = [name for name in public if not name.startswith("__")]
        classes = [n for n in members if isinstance(getattr(module, n), type)]
        functions = [n for n in members if n not in classes]
        title = f":mod:`{module_name}`: {API_TITLES.get(module_name, module_name)}"
        lines += [
            title,
            "=" * len(title),
            "",
            f".. automodule:: {module_name}",
            "   :no-members:",
            "",
            f".. currentmodule:: {module_name}",
            "",
        ]

        # one table per kind, so that each gets its own page template
        for kind, names in (("class", classes), ("function", functions)):
            if not names:
                continue
            lines += [
                ".. autosummary::",
                "   :toctree: generated/",
                f"   :template: {kind}",
                "   :nosignatures:",
                "",
            ]
            lines += [f"   {name}" for name in names]
            lines.append("")

    API_SECTIONS.write_text("\n".join(lines) + "\n", encoding="utf-8")


_write_api_sections()

# Methods inherited from scikit-learn (score, get_params, set_fit_request...)
# are documented too, and their docstrings cross-reference scikit-learn's own
# labels and glossary, which this offline build cannot link to. Those
# references become plain text naming where they point.
_SKLEARN_XREF = re.compile(r":(?:ref|term):`(?:([^`<]*?)\s*<([^`>]*)>|([^`]*))`")


def _sklearn_xref_text(match):
    """Return the plain text for one of scikit-learn's cross-references."""
    text, _, bare = match.groups()
    if text is None:
        return bare
    if text.strip().lower() == "user guide":
        return "scikit-learn's User Guide"
    return text


def _unlink_sklearn_docstring(app, what, name, obj, options, lines):
    """Adapt a docstring inherited from scikit-learn to these pages.

    Its :ref: and :term: roles become plain text, "the User Guide" names
    scikit-learn's, and its version notes, which count scikit-learn's
    releases rather than skpoly's, are dropped.
    """
    module = getattr(obj, "__module__", None) or ""
    if module.split(".")[0] != "sklearn":
        return

    kept = []
    in_version_note = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith((".. versionadded::", ".. versionchanged::")):
            in_version_note = True
            indent = len(line) - len(line.lstrip())
            continue
        if in_version_note:
            if not stripped or len(line) - len(line.lstrip()) > indent:
                continue
            in_version_note = False
        line = _SKLEARN_XREF.sub(_sklearn_xref_text, line)
        kept.append(line.replace("the scikit-learn's", "scikit-learn's"))
    lines[:] = kept


def setup(app):
    # run before numpydoc (priority 500) reads the docstring
    app.connect("autodoc-process-docstring", _unlink_sklearn_docstring, priority=400)


# -- Gallery -----------------------------------------------------------------

# Examples that stop an optimiser early on purpose silence ConvergenceWarning
# themselves, saying why; any other warning shows up in the rendered output.
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT_DIR / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "doc_module": ("skpoly",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"skpoly": None},
    "download_all_examples": False,
    "remove_config_comments": True,
    "min_reported_time": 1,
    "abort_on_example_error": True,
    "show_memory": False,
    # the timings page loads jQuery and DataTables from a CDN; leave it out
    "write_computation_times": False,
    "show_signature": False,
    "plot_gallery": "True",
    "matplotlib_animations": False,
    "within_subsection_order": "FileNameSortKey",
}

# -- HTML --------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skpoly {release}"
html_static_path = ["_static"]
html_css_files = ["css/skpoly.css"]
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None

# every option that could fetch something at build or view time is off:
# no version switcher (and no check of one), no announcement URL, no
# analytics, no ads, no external icon links
html_theme_options = {
    "navbar_align": "left",
    "navbar_end": ["theme-switcher"],
    "navbar_persistent": ["search-button"],
    "header_links_before_dropdown": 6,
    "primary_sidebar_end": [],
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_center": [],
    "footer_end": [],
    "check_switcher": False,
    "show_version_warning_banner": False,
    "analytics": {},
    "icon_links": [],
    "show_prev_next": False,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "pygments_light_style": "tango",
    "pygments_dark_style": "monokai",
}
html_context = {"default_mode": "light"}
html_sidebars = {"index": [], "getting_started": [], "benchmarks": []}

# matplotlib draws the gallery off screen
os.environ.setdefault("MPLBACKEND", "Agg")
warnings.filterwarnings(
    "ignore",
    message="Matplotlib is currently using agg",
    category=UserWarning,
)
