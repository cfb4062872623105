"""Calibration parameters of the synthetic region (合成区域校准参数).

``data/calibration.yaml`` holds every figure the generator uses, each as a leaf
``{value, unit, reference[, note]}`` naming its source. The loader is strict: unknown or
duplicate keys, a leaf without its reference, or a distribution that does not sum to 1 is
rejected with a bilingual error naming the file and the dotted key.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from yigai.params import UniqueKeyLoader

DEFAULT_PATH = Path(__file__).parent / "data" / "calibration.yaml"

_LEAF_KEYS = frozenset({"value", "unit", "reference", "note"})
_REQUIRED_LEAF_KEYS = frozenset({"value", "unit", "reference"})

#: Keys whose value is a probability distribution (list or mapping of shares summing to 1).
DISTRIBUTIONS: tuple[str, ...] = (
    "people.age_bands",
    "people.scheme",
    "staff.primary_split",
    "staff.primary_doctor_titles",
    "staff.primary_doctor_education",
    "staff.hospital_doctor_titles",
    "staff.hospital_doctor_education",
    "staff.other_titles",
    "staff.other_education",
    "care.outpatient_level_shares",
    "care.admission_level_shares",
    "care.county_hospital_weights",
    "care.cost_lines_outpatient",
    "care.cost_lines_inpatient",
    "chronic.followups_per_year",
    "chronic.modes",
)
_TOLERANCE = 1e-6


class CalibrationError(ValueError):
    """A calibration file that breaks a rule; ``zh``/``en`` name the file and key."""

    def __init__(self, path: Path, key: str, zh: str, en: str) -> None:
        self.path, self.key, self.zh, self.en = path, key, zh, en
        super().__init__(f"{path}: {key}: {zh} / {en}")


@dataclass(frozen=True)
class Parameter:
    key: str
    value: Any
    unit: str
    reference: str


class Calibration(Mapping[str, Any]):
    """Read-only view of the parameters, addressed by dotted key (``care.los_sigma``)."""

    def __init__(self, path: Path, params: dict[str, Parameter]) -> None:
        self.path = path
        self._params = params

    def __getitem__(self, key: str) -> Any:
        try:
            return self._params[key].value
        except KeyError:
            raise CalibrationError(
                self.path, key, "缺少校准参数", "calibration parameter is missing"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def parameter(self, key: str) -> Parameter:
        self[key]  # raises the bilingual error when missing
        return self._params[key]


def _walk(path: Path, node: Any, prefix: str, out: dict[str, Parameter]) -> None:
    if not isinstance(node, dict):
        raise CalibrationError(path, prefix or "<root>", "应为映射", "expected a mapping")
    if "value" in node:
        extra = set(node) - _LEAF_KEYS
        missing = _REQUIRED_LEAF_KEYS - set(node)
        if extra:
            raise CalibrationError(
                path, prefix, f"未知的键 {sorted(extra)}", f"unknown keys {sorted(extra)}"
            )
        if missing:
            raise CalibrationError(
                path, prefix, f"缺少 {sorted(missing)}", f"missing {sorted(missing)}"
            )
        if not str(node["reference"]).strip():
            raise CalibrationError(path, prefix, "来源不能为空", "reference must not be empty")
        out[prefix] = Parameter(prefix, node["value"], str(node["unit"]), str(node["reference"]))
        return
    for name, child in node.items():
        _walk(path, child, f"{prefix}.{name}" if prefix else str(name), out)


def _check_distribution(path: Path, key: str, value: Any) -> None:
    shares = list(value.values()) if isinstance(value, dict) else value
    if not isinstance(shares, list) or not all(
        isinstance(s, (int, float)) and not isinstance(s, bool) for s in shares
    ):
        raise CalibrationError(
            path, key, "应为数值列表或映射", "expected numbers (list or mapping)"
        )
    if any(s < 0 for s in shares):
        raise CalibrationError(path, key, "比例不能为负", "shares must not be negative")
    if abs(sum(shares) - 1.0) > _TOLERANCE:
        raise CalibrationError(
            path,
            key,
            f"比例之和应为1（实为 {sum(shares):.6f}）",
            f"shares must sum to 1 (got {sum(shares):.6f})",
        )


def load(path: Path | str | None = None) -> Calibration:
    """Load and validate a calibration file (default: the packaged ``calibration.yaml``)."""
    path = Path(path) if path is not None else DEFAULT_PATH
    try:
        # duplicate keys rejected; shares stay float on purpose: they feed numpy's sampler
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=UniqueKeyLoader)
    except (yaml.YAMLError, ValueError) as exc:  # PyYAML raises ValueError for 2024-13-01
        raise CalibrationError(
            path, "<yaml>", f"YAML 格式错误：{exc}", f"invalid YAML: {exc}"
        ) from None
    params: dict[str, Parameter] = {}
    _walk(path, raw, "", params)
    for key in DISTRIBUTIONS:
        if key not in params:
            raise CalibrationError(path, key, "缺少校准参数", "calibration parameter is missing")
        _check_distribution(path, key, params[key].value)
    return Calibration(path, params)
