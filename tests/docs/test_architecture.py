"""docs/architecture.md's step table and figure come from a real run (docs/tour.py): they
must match what the code produces today (``python docs/make_figures.py`` remakes them)."""
from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
sys.path.insert(0, str(DOCS))

import tour  # noqa: E402


def test_steps_and_figure_match_the_code() -> None:
    table, svg = tour.render()
    doc = (DOCS / "architecture.md").read_text()
    assert tour.architecture_with(table, doc) == doc, "architecture.md is stale: run python docs/make_figures.py"
    assert (DOCS / "images" / "smtp_command.svg").read_text() == svg, "smtp_command.svg is stale"


def test_the_tour_crosses_the_threads_it_describes() -> None:
    trace = tour.smtp_trace()
    window = tour.command_window(trace)
    threads = [trace.name_of(e.thread) for e in window]
    # The sender does the whole send path; the server's IP thread takes over; the server
    # thread ends it, in that order.
    assert threads[0] == "client_thread" and threads[-1] == "SMTP server thread"
    first_ip = threads.index("SMTP server IP")
    assert set(threads[:first_ip]) == {"client_thread"}
    assert set(threads[first_ip:-1]) == {"SMTP server IP"}
    ids = [e.id for e in window]
    assert ids.index(421) < ids.index(311) < ids.index(309) < ids.index(324) < ids.index(387) \
        < ids.index(36) < ids.index(308) < ids.index(310) < ids.index(389)
