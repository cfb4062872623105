"""The adjudication benchmark runs both paths on the same claims and they agree."""

from __future__ import annotations

import weakref
from collections.abc import Callable

from benchmarks import bench_adjudication


def test_run_reports_both_paths_and_they_agree() -> None:
    result = bench_adjudication.run(2_000, scalar_limit=500)
    assert result["rows"] == 2_000 and 0 < result["scalar_rows"] <= 2_000
    assert result["equal"] is True
    assert result["vectorised_seconds"] >= 0 and result["ratio"] > 0


def test_synthetic_claims_are_deterministic() -> None:
    bench = bench_adjudication
    assert bench.synthetic_claims(500).equals(bench.synthetic_claims(500))


def test_paths_run_in_turn_each_without_its_previous_result() -> None:
    class Result:
        pass

    calls: list[str] = []
    earlier: dict[str, list[weakref.ref[Result]]] = {"a": [], "b": []}
    stale: list[bool] = []

    def path(name: str) -> Callable[[], Result]:
        def run() -> Result:
            calls.append(name)
            stale.extend(ref() is not None for ref in earlier[name])
            result = Result()
            earlier[name].append(weakref.ref(result))
            return result

        return run

    timings = bench_adjudication._alternating({"a": path("a"), "b": path("b")}, 3)
    assert calls == ["a", "b", "a", "b", "a", "b"]
    assert stale and not any(stale)
    assert [len(timings[name].cpu) for name in "ab"] == [3, 3]
    best = timings["a"].best
    assert timings["a"].cpu[best] == min(timings["a"].cpu)
