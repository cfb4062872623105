"""The adjudication benchmark runs both paths on the same claims and they agree."""

from __future__ import annotations

import importlib.util
import sys
import weakref
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).parents[2] / "benchmarks" / "bench_adjudication.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_adjudication", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_run_reports_both_paths_and_they_agree() -> None:
    result = _bench().run(2_000, scalar_limit=500)
    assert result["rows"] == 2_000 and 0 < result["scalar_rows"] <= 2_000
    assert result["equal"] is True
    assert result["vectorised_seconds"] >= 0 and result["ratio"] > 0


def test_synthetic_claims_are_deterministic() -> None:
    bench = _bench()
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

    timings = _bench()._alternating({"a": path("a"), "b": path("b")}, 3)
    assert calls == ["a", "b", "a", "b", "a", "b"]
    assert stale and not any(stale)
    assert [len(timings[name].cpu) for name in "ab"] == [3, 3]
    best = timings["a"].best
    assert timings["a"].cpu[best] == min(timings["a"].cpu)
