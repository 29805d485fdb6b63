"""Benchmark of the conflict detector (issue 3).

Generates N shows over a 90-day window in N/100 rooms with N/50 MCs, 1-3 MCs
per show, durations 1-4 h (minute-aligned starts), and times, in one run:

* ``detect_all`` on the :class:`~studiocore.ports.Booking` objects (rooms and
  MCs, every conflict built as a :class:`~studiocore.conflicts.Conflict`), at
  each size;
* a plain baseline written here: sort-and-sweep over bare
  ``(resource, start, end, index)`` integer tuples of the same shows, rooms and
  MCs (input tuples prepared outside the timing);
* brute force at the brute-force size: every pair compared, once over the same
  ``Booking`` objects and once over bare integers (the cheapest possible
  pairwise loop).

``detect_all`` and the baseline run in turns (best of 5 each; 3 above 100k),
so that their ratio, the figure to compare between runs, holds on a machine
whose speed drifts.

Usage::

    python benchmarks/bench_detector.py [SIZES] [BRUTE_SIZE]
    BENCH_SIZES=10000,100000 BENCH_BRUTE=2000 python benchmarks/bench_detector.py

Defaults: sizes 10000,100000,1000000 and brute force at 10000.
"""

from __future__ import annotations

import gc
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from studiocore import Booking, ShowStatus, TimeSlot
from studiocore.scheduling import detect_all

BASE = datetime(2026, 1, 1, tzinfo=UTC)
DAYS = 90

Plain = tuple[list[int], list[int], list[int], list[list[int]]]


def generate(n: int, seed: int = 3) -> tuple[list[Booking], Plain]:
    """``n`` bookings and the same shows as plain integer columns."""
    rng = random.Random(seed)
    rooms = max(1, n // 100)
    mcs = max(3, n // 50)
    studios = max(1, rooms // 10)
    room_uids = [f"room_{i:026d}" for i in range(rooms)]
    mc_uids = [f"mc_{i:026d}" for i in range(mcs)]
    studio_uids = [f"studio_{i:026d}" for i in range(studios)]
    minutes = DAYS * 24 * 60
    starts: list[int] = []
    ends: list[int] = []
    room_of: list[int] = []
    mcs_of: list[list[int]] = []
    bookings: list[Booking] = []
    for i in range(n):
        start = rng.randrange(minutes) * 60
        end = start + rng.randrange(60, 241) * 60
        room = rng.randrange(rooms)
        hosts = rng.sample(range(mcs), rng.randint(1, 3))
        starts.append(start)
        ends.append(end)
        room_of.append(room)
        mcs_of.append(hosts)
        bookings.append(
            Booking(
                show_uid=f"show_{i:026d}",
                studio_uid=studio_uids[room % studios],
                room_uid=room_uids[room],
                mc_uids=frozenset(mc_uids[m] for m in hosts),
                slot=TimeSlot(BASE + timedelta(seconds=start), BASE + timedelta(seconds=end)),
                status=ShowStatus.CONFIRMED,
            )
        )
    return bookings, (starts, ends, room_of, mcs_of)


def plain_sweep(tuples: list[tuple[int, int, int, int]]) -> list[tuple[int, int]]:
    """The baseline: sort ``(resource, start, end, index)`` tuples, sweep each
    resource keeping the list of shows that have not ended yet."""
    tuples.sort()
    pairs: list[tuple[int, int]] = []
    current = -1
    active: list[tuple[int, int]] = []
    for resource, start, end, index in tuples:
        if resource != current:
            current = resource
            active = []
        if active:
            active = [a for a in active if a[0] > start]
            for _, other in active:
                pairs.append((other, index))
        active.append((end, index))
    return pairs


def brute_force_bookings(bookings: list[Booking]) -> int:
    """Every pair of ``Booking`` objects compared (the natural O(N^2) loop over the
    same input the detector gets); counts conflicting (pair, resource) hits."""
    found = 0
    n = len(bookings)
    for i in range(n):
        a = bookings[i]
        a_start, a_end, a_room, a_mcs = a.slot.start, a.slot.end, a.room_uid, a.mc_uids
        for j in range(i + 1, n):
            b = bookings[j]
            slot = b.slot
            if slot.start < a_end and a_start < slot.end:
                if b.room_uid == a_room:
                    found += 1
                found += len(a_mcs & b.mc_uids)
    return found


def brute_force(plain: Plain) -> int:
    """Every pair compared on bare integers: the cheapest O(N^2) loop possible."""
    starts, ends, room_of, mcs_of = plain
    mc_sets = [set(m) for m in mcs_of]
    n = len(starts)
    found = 0
    for i in range(n):
        si, ei, ri, mi = starts[i], ends[i], room_of[i], mc_sets[i]
        for j in range(i + 1, n):
            if starts[j] < ei and si < ends[j]:
                if room_of[j] == ri:
                    found += 1
                found += len(mi & mc_sets[j])
    return found


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def best_of(repeat: int, fn: Callable[[], object]) -> tuple[float, object]:
    """The fastest of ``repeat`` runs (the machine may be shared)."""
    best, result = timed(fn)
    for _ in range(repeat - 1):
        elapsed, result = timed(fn)
        best = min(best, elapsed)
    return best, result


def alternating(
    repeat: int, first: Callable[[], object], second: Callable[[], object]
) -> tuple[float, object, float, object]:
    """The fastest of ``repeat`` runs of each, run in turns, so that a machine
    whose speed drifts slows both alike and their ratio stays meaningful."""
    best_first = best_second = float("inf")
    result_first: object = None
    result_second: object = None
    for _ in range(repeat):
        elapsed, result_first = timed(first)
        best_first = min(best_first, elapsed)
        elapsed, result_second = timed(second)
        best_second = min(best_second, elapsed)
    return best_first, result_first, best_second, result_second


def _one_size(n: int, repeat: int) -> None:
    bookings, plain = generate(n)
    gc.collect()
    gc.freeze()  # the dataset is long-lived: do not rescan it on every collection
    try:
        starts, ends, room_of, mcs_of = plain
        room_tuples = [(room_of[i], starts[i], ends[i], i) for i in range(n)]
        mc_tuples = [(m, starts[i], ends[i], i) for i in range(n) for m in mcs_of[i]]
        t_base, pairs, t_det, conflicts = alternating(
            repeat,
            lambda: len(plain_sweep(room_tuples[:])) + len(plain_sweep(mc_tuples[:])),
            lambda: detect_all(bookings),
        )
        assert isinstance(conflicts, list)
        if len(conflicts) != pairs:
            raise SystemExit(f"mismatch at {n}: detector {len(conflicts)} vs baseline {pairs}")
        print(
            f"| {n:,} | {max(1, n // 100):,} | {max(3, n // 50):,} | {len(conflicts):,} "
            f"| {t_det:.3f} | {n / t_det:,.0f} | {t_base:.3f} | {t_det / t_base:.2f} |",
            flush=True,
        )
    finally:
        gc.unfreeze()


def run(sizes: list[int], brute_size: int) -> None:
    print(
        f"# conflict detector benchmark: {platform.platform()}, Python {platform.python_version()}"
    )
    print(f"# {os.cpu_count()} CPU(s), processor: {_cpu_name()}")
    print()
    header = (
        "| shows | rooms | MCs | conflicts | detect_all (s) | shows/s | baseline (s) "
        "| detect_all / baseline |"
    )
    print(header)
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    detect_all(generate(2_000)[0])  # warm up (imports, caches, allocator arenas)
    for n in sizes:
        _one_size(n, repeat=5 if n <= 100_000 else 3)
    if brute_size:
        bookings, plain = generate(brute_size)
        t_ints, found_ints = timed(lambda: brute_force(plain))
        t_objs, found_objs = timed(lambda: brute_force_bookings(bookings))
        t_det, conflicts = best_of(3, lambda: detect_all(bookings))
        assert isinstance(conflicts, list)
        if not len(conflicts) == found_ints == found_objs:
            raise SystemExit(
                f"mismatch: detector {len(conflicts)}, brute force {found_ints}/{found_objs}"
            )
        print()
        print("| shows | brute force | brute force (s) | detect_all (s) | detect_all speed-up |")
        print("|---:|---|---:|---:|---:|")
        for label, elapsed in (
            ("pairwise over the Booking objects", t_objs),
            ("pairwise over bare integers", t_ints),
        ):
            print(
                f"| {brute_size:,} | {label} | {elapsed:.3f} | {t_det:.4f} "
                f"| {elapsed / t_det:,.0f}x |"
            )


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main(argv: list[str]) -> None:
    sizes_text = argv[1] if len(argv) > 1 else os.environ.get("BENCH_SIZES", "10000,100000,1000000")
    brute_text = argv[2] if len(argv) > 2 else os.environ.get("BENCH_BRUTE", "10000")
    sizes = [int(s.replace("_", "")) for s in sizes_text.split(",") if s.strip()]
    run(sizes, int(brute_text))


if __name__ == "__main__":
    main(sys.argv)
