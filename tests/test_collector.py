"""The garbage collector set up for long-running work (dashboard.collector).

What a user would notice if it broke: memory that only grows (cycles made after the set-up never
collected), an import that leaves the process collecting differently, or the app's first
computation of a large organisation half a second slower. The first two run in a fresh interpreter,
whose collector no earlier test has touched.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from dashboard.config import REPO_ROOT


def _in_fresh_interpreter(code: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr or done.stdout


def test_what_is_loaded_is_set_aside_once_and_cycles_made_later_are_still_collected():
    _in_fresh_interpreter(
        """
        import gc, weakref
        from dashboard import collector

        class Node:
            pass

        threshold = gc.get_threshold()
        garbage = Node(); garbage.me = garbage; del garbage  # a cycle nobody refers to any more
        collector.set_aside_loaded()
        frozen = gc.get_freeze_count()
        assert frozen > 1000, frozen  # the interpreter and what it imported
        assert gc.get_threshold() == (collector.YOUNG_THRESHOLD, *threshold[1:])
        assert collector.is_set_aside()

        # Made afterwards: collected as ever.
        later = Node(); later.me = later
        gone = weakref.ref(later)
        del later
        gc.collect()
        assert gone() is None

        # Once per process: what later sessions hold is never set aside.
        kept = [Node() for _ in range(5000)]
        collector.set_aside_loaded()
        assert gc.get_freeze_count() <= frozen, (gc.get_freeze_count(), frozen)

        # A block that collects less (a report computed in the app) sets nothing more aside and,
        # when it ends, leaves what the app set aside as it was.
        with collector.collecting_less():
            assert gc.get_freeze_count() <= frozen
            assert gc.get_threshold()[0] == collector.YOUNG_THRESHOLD
        assert gc.get_threshold() == (collector.YOUNG_THRESHOLD, *threshold[1:])
        assert gc.get_freeze_count() > 1000
        """
    )


def test_blocks_that_collect_less_nest_and_the_outermost_puts_everything_back():
    _in_fresh_interpreter(
        """
        import gc, weakref
        from dashboard import collector

        class Node:
            pass

        before = gc.get_threshold()
        with collector.collecting_less():
            outer = gc.get_freeze_count()
            assert outer > 0 and gc.get_threshold()[0] == collector.YOUNG_THRESHOLD
            with collector.collecting_less():  # a report computed inside an import, say
                assert gc.get_freeze_count() == outer
            # The inner block left the outer one's set-up alone.
            assert gc.get_freeze_count() == outer
            assert gc.get_threshold()[0] == collector.YOUNG_THRESHOLD
            cycle = Node(); cycle.me = cycle
            gone = weakref.ref(cycle)
            del cycle
            gc.collect()
            assert gone() is None
        assert gc.get_threshold() == before
        assert gc.get_freeze_count() == 0

        # Set aside for good while a block runs: the block's end takes nothing of it back.
        with collector.collecting_less():
            collector.set_aside_loaded()
        assert gc.get_threshold()[0] == collector.YOUNG_THRESHOLD
        assert gc.get_freeze_count() > 1000
        gc.set_threshold(*before); gc.unfreeze(); collector._set_aside = False  # as a fresh process

        # An error inside still puts everything back.
        try:
            with collector.collecting_less():
                raise RuntimeError("the import failed")
        except RuntimeError:
            pass
        assert gc.get_threshold() == before
        assert gc.get_freeze_count() == 0
        """
    )


def test_the_app_sets_what_it_loaded_aside_before_its_first_page_runs(demo_app_env):
    _in_fresh_interpreter(
        """
        import gc
        from dashboard import collector
        from tests.apptest import open_page

        assert not collector.is_set_aside() and gc.get_freeze_count() == 0
        at = open_page("../pages/home.py")
        assert not at.exception
        assert collector.is_set_aside()
        assert gc.get_threshold()[0] == collector.YOUNG_THRESHOLD
        assert gc.get_freeze_count() > 100_000  # Streamlit, pandas, SQLAlchemy and the app's modules
        """
    )
