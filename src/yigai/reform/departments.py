"""牵头单位与配合单位: reading the departments a plan makes responsible for a task.

Chinese plans end a task with the responsible departments in parentheses, e.g.
``（市委编办，市人社局，各县（市）人民政府负责）``; the plan states that the first named is
the lead (牵头单位) and the others co-operate (配合单位) (seed 002, 二（一）: "排名第一的为牵头
单位，其他为配合单位，下同"). Names may themselves hold parentheses (``各县（市）人民政府``,
sometimes half-width), so splitting happens only outside parentheses.
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN = "（("
CLOSE = "）)"
SEPARATORS = "，、,；;"


class DepartmentsError(ValueError):
    """Text from which no department can be read."""


@dataclass(frozen=True)
class Departments:
    lead: str
    co: tuple[str, ...]


def _top_level_groups(text: str) -> list[str]:
    groups, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in OPEN:
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch in CLOSE and depth:
            depth -= 1
            if depth == 0:
                groups.append(text[start:i])
    return groups


def responsible_text(paragraph: str) -> str | None:
    """The last top-level parenthesised group of ``paragraph`` that says who is 负责."""
    for group in reversed(_top_level_groups(paragraph)):
        if "负责" in group:
            return group
    return None


def parse_departments(text: str) -> Departments:
    """Lead and co-operating departments of ``text`` (the inside of the parentheses, or a
    whole paragraph ending with them): the first named leads, the others co-operate."""
    inner = (
        responsible_text(text)
        if any(c in text for c in OPEN) and text[-1:] in CLOSE + "。"
        else None
    )
    body = (inner if inner is not None else text).split("负责", 1)[0]
    names, depth, current = [], 0, []
    for ch in body:
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE and depth:
            depth -= 1
        if depth == 0 and ch in SEPARATORS:
            names.append("".join(current))
            current = []
        else:
            current.append(ch)
    names.append("".join(current))
    names = [n.strip() for n in names if n.strip()]
    if not names:
        raise DepartmentsError(f"未能从“{text}”中读出牵头单位 / no department found in {text!r}")
    return Departments(lead=names[0], co=tuple(names[1:]))
