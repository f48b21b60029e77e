"""Remake the figures under docs/images from real runs: ``python docs/make_figures.py``.

* ``smtp_command.svg`` and the steps table in architecture.md: one SMTP command through
  the stack, from the SMTP demo's trace (``docs/tour.py``).
* ``demo_netx_tcp.png``: the HTML view (``netxsim.view``) of ``python -m demos.demo_netx_tcp
  --connections 3``, photographed by headless Chromium (needed: ``chromium`` on the PATH).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
IMAGES = HERE / "images"
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def screenshot(page: Path, target: Path, width: int = 1200, height: int = 1000) -> None:
    browser = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    if browser is None:
        raise SystemExit("headless Chromium is needed for the screenshots (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--user-data-dir={profile}", f"--window-size={width},{height}",
                        f"--screenshot={target}", page.as_uri()], check=True, capture_output=True, timeout=120)


def demo_netx_tcp_view() -> None:
    from demos.demo_netx_tcp import run
    from netxsim.view import run_frames, write_html
    _, result = run(3, trace=True)
    with tempfile.TemporaryDirectory() as scratch:
        page = Path(scratch) / "t.html"
        write_html(result.trace_buffer, str(page), run_frames(result), title="NetX Duo TCP demo")
        screenshot(page, IMAGES / "demo_netx_tcp.png")


def main() -> None:
    IMAGES.mkdir(exist_ok=True)
    import tour
    tour.write()
    demo_netx_tcp_view()
    print(f"figures written to {IMAGES}")


if __name__ == "__main__":
    main()
