"""heap: freed memory goes back to the system where glibc can give it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pipeline.heap import _malloc_trim, release_free_heap

PROBE = """
import sys
from pipeline.heap import release_free_heap

def anon():
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("RssAnon")) // 1024

chunks = [bytes(2000) for _ in range(40_000)]  # 80 MB on the heap, not mmap'd one by one
pin = bytes(2000)  # above them: their pages are not at the heap's top, so free() keeps them
del chunks
before = anon()
release_free_heap()
print(before, anon())
"""


def test_release_is_safe_anywhere():
    release_free_heap()
    release_free_heap()  # looked up once, called again


@pytest.mark.skipif(not sys.platform.startswith("linux") or _malloc_trim() is None,
                    reason="needs glibc's malloc_trim")
def test_freed_heap_pages_go_back_to_the_system():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         check=True).stdout.split()
    before, after = map(int, out)
    assert before - after >= 50, (before, after)
