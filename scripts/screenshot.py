#!/usr/bin/env python3
"""Regenerate the explorer screenshots in docs/img/: English and Japanese, with the details panel
open on an entity and the article pane showing one of its quotes.

For each language it runs `kgtool view` on the repository's graph into a temporary file, opens
the page in Debian's chromium (headless, through Playwright, no browser download), waits until
the page says it is ready (the layout has settled), selects the entity, opens its first quote in
the article pane and saves a screenshot. Japanese text needs a CJK font: install Debian's
`fonts-noto-cjk` first, or the images show empty boxes (the script refuses to run without it).

Usage:  python scripts/screenshot.py [--lang en ja] [--entity DeepSeek] [--out docs/img]
Writes: docs/img/explorer-en.png, docs/img/explorer-ja.png
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from kgtool.render import CHROMIUM_ARGS, CHROMIUM_PATH

REPO = Path(__file__).resolve().parent.parent
KGR = "https://w3id.org/kgtool/resource/"


def has_cjk_font() -> bool:
    """Whether fontconfig knows a font covering Japanese."""
    if shutil.which("fc-list") is None:
        return False
    fonts = subprocess.run(
        ["fc-list", ":lang=ja", "family"], capture_output=True, text=True, check=False
    )
    return bool(fonts.stdout.strip())


def shoot(browser: object, lang: str, entity: str, output: Path, size: tuple[int, int]) -> None:
    """Write one screenshot of the explorer in ``lang``, ``entity`` selected, to ``output``."""
    with tempfile.TemporaryDirectory() as folder:
        page_path = Path(folder) / f"view.{lang}.html"
        command = [sys.executable, "-m", "kgtool", "view", "-o", str(page_path)]
        subprocess.run([*command, "--root", str(REPO), "--lang", lang], check=True)
        page = browser.new_page(viewport={"width": size[0], "height": size[1]})  # type: ignore[attr-defined]
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(page_path.as_uri())
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
        page.evaluate("(iri) => window.kgtool.select(iri)", KGR + entity)
        page.locator("#kgtool-panel [data-goto]").first.click()
        # Close enough to read the selected entity's relation names.
        page.evaluate(
            """(iri) => {
                const net = window.kgtool.network;
                const id = window.kgtool.data.info.findIndex((n) => n.iri === iri);
                net.moveTo({ position: net.getPositions([id])[id], scale: 0.9, animation: false });
            }""",
            KGR + entity,
        )
        page.wait_for_timeout(400)
        output.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(output))
        page.close()
        if errors:
            raise SystemExit(f"page errors: {errors}")
    print(f"wrote {output}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", nargs="+", choices=["en", "ja"], default=["en", "ja"])
    parser.add_argument("--entity", default="DeepSeek", help="local name under kgr: to select")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    parser.add_argument("--width", type=int, default=1800)
    parser.add_argument("--height", type=int, default=1000)
    args = parser.parse_args(argv)
    if "ja" in args.lang and not has_cjk_font():
        print("no Japanese font: apt-get install fonts-noto-cjk", file=sys.stderr)
        return 2

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, args=list(CHROMIUM_ARGS)
        )
        try:
            for lang in args.lang:
                shoot(
                    browser,
                    lang,
                    args.entity,
                    args.out / f"explorer-{lang}.png",
                    (args.width, args.height),
                )
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
