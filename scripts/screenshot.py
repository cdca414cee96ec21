#!/usr/bin/env python3
"""Regenerate docs/img/view.png: the default whole-graph view, as a newcomer first sees it.

It runs `kgtool view` on the repository's graph into a temporary file, opens the page in
Debian's chromium (headless, through Playwright, no browser download), waits until the page
says it is ready (the layout has settled) and saves a 1600×1000 screenshot.

Usage:  python scripts/screenshot.py [--lang en|ja] [--focus ENTITY] [-o docs/img/view.png]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from kgtool.render import CHROMIUM_ARGS, CHROMIUM_PATH

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, default=REPO / "docs" / "img" / "view.png")
    parser.add_argument("--lang", choices=["en", "ja"], default="en")
    parser.add_argument("--focus", help="draw around this entity instead of the whole graph")
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--height", type=int, default=1000)
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        page_path = Path(folder) / "view.html"
        command = [
            sys.executable,
            "-m",
            "kgtool",
            "view",
            "-o",
            str(page_path),
            "--root",
            str(REPO),
            "--lang",
            args.lang,
        ]
        if args.focus:
            command += ["--focus", args.focus]
        subprocess.run(command, check=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM_PATH, args=list(CHROMIUM_ARGS)
            )
            page = browser.new_page(viewport={"width": args.width, "height": args.height})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(page_path.as_uri())
            page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
            page.wait_for_timeout(500)
            args.output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.output))
            browser.close()
        if errors:
            print(f"page errors: {errors}", file=sys.stderr)
            return 1
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
