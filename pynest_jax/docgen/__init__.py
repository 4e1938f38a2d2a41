"""Generated documentation: ``python -m pynest_jax.docgen`` (or ``tox -e docs``) writes

* ``docs/models.md``: every model of NEST 3.10 with its status in pynest_jax;
* ``docs/api.md``: NEST 3.10's public names and whether pynest_jax has them.

Both pages compare with the real NEST installed next to pynest_jax (``import nest``), so the
generator needs it. Each page carries the date it was made on one line of its own
(``DATE_PREFIX``); everything else is a function of the code and of NEST, which is what
``tests/test_docgen.py`` checks.
"""

from __future__ import annotations

import pathlib

from ._page import COMMAND, DATE_PREFIX, ROOT, header  # noqa: F401


def pages(root: pathlib.Path = ROOT) -> dict:
    """{relative path: text} of every generated page."""
    from . import api_page, models_page
    return {"docs/models.md": models_page.render(root), "docs/api.md": api_page.render()}


def main(argv=None) -> int:
    import argparse
    ap = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=str(ROOT), help="the checkout to write docs/ into")
    args = ap.parse_args(argv)
    root = pathlib.Path(args.root)
    for rel, text in pages(root).items():
        (root / rel).write_text(text, encoding="utf-8")
        print(f"wrote {rel}")
    return 0
