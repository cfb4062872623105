"""授权名单: the grants of one warehouse, in ``<warehouse>/_access/users.yaml``.

The file is rewritten whole through a temporary file and ``os.replace``, so a reader sees the
old list or the new one, never half of either. Every change names who made it and when, in
the list and in the audit trail. The list is made once, with the warehouse: when it is missing
from a warehouse that already holds batches it was lost or deleted, and that is an error, not
a fresh start (else deleting it would make the next caller administrator).

User names (用户名) are 1–64 letters (Chinese included), digits and ``. _ - @``: no ``*``,
spaces, control characters, quotes or markup (``< > [ ]``), because names are shown in the
terminal, written to YAML and matched exactly.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from yigai.access.scope import Scope
from yigai.warehouse import audit, private
from yigai.warehouse.audit import current_user
from yigai.warehouse.errors import WarehouseError

ACCESS_DIR = "_access"
USERS_FILE = "users.yaml"
#: The grant of every org unit (管理员).
ALL = "*"
#: A user name: letters (any script, Chinese included), digits and ``. _ - @``.
USER_PATTERN = re.compile(r"[\w.@-]{1,64}")


class AccessError(WarehouseError):
    """The user may not read these personal records (无权访问)."""


@dataclass(frozen=True)
class Grant:
    """One user's granted org units, with who granted them and when."""

    user: str
    orgs: tuple[str, ...]
    granted_by: str
    granted_at: str


def check_user(user: str) -> str:
    """``user`` if it is a valid user name, else :class:`AccessError` (the name is shown
    quoted with ``repr``, so markup or control characters in it show as text)."""
    if not USER_PATTERN.fullmatch(user):
        raise AccessError(
            f"用户名 {user!r} 不合规：须为 1–64 个字母（含汉字）、数字或 . _ - @",
            f"user name {user!r} is invalid: use 1–64 letters (Chinese included), digits "
            "or . _ - @",
        )
    return user


def _path(root: Path) -> Path:
    return Path(root) / ACCESS_DIR / USERS_FILE


def grants(root: Path) -> dict[str, Grant]:
    """Every user's grant (empty when the warehouse has no list yet)."""
    path = _path(root)
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return {
            user: Grant(user, tuple(str(o) for o in g["orgs"]), g["granted_by"], g["granted_at"])
            for user, g in (data.get("users") or {}).items()
        }
    except (yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        raise AccessError(
            f"授权名单 {path} 无法读取：{exc}", f"access list {path} is unreadable: {exc}"
        ) from exc


def _save(root: Path, users: dict[str, Grant]) -> None:
    path = _path(root)
    private.make_dirs(path.parent)
    data = {
        "users": {
            g.user: {"orgs": list(g.orgs), "granted_by": g.granted_by, "granted_at": g.granted_at}
            for g in sorted(users.values(), key=lambda g: g.user)
        }
    }
    tmp = path.with_name(f".tmp-{os.getpid()}-{USERS_FILE}")
    private.write_text(tmp, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    os.replace(tmp, path)


def ensure_administrator(root: Path, has_batches: bool) -> None:
    """A new warehouse gets a list naming the current user administrator: whoever creates
    the warehouse holds it whole. A list missing from a warehouse that ``has_batches`` is an
    error (it was deleted or lost: restore it from a backup)."""
    path = _path(root)
    if path.exists():
        return
    if has_batches:
        raise AccessError(
            f"授权名单 {path} 缺失，而仓库中已有数据：请从备份恢复该文件"
            "（审计记录 _audit 中有历次授权可供核对）",
            f"the access list {path} is missing from a warehouse that holds data: restore it "
            "from a backup (the audit trail in _audit lists every grant)",
        )
    user = check_user(current_user())
    audit.record_access_change(root, "grant", user, [ALL])
    _save(root, {user: Grant(user, (ALL,), user, _now())})


def scope_of(root: Path, user: str | None = None) -> Scope:
    """The scope of ``user`` (default: the current user); :class:`AccessError` if none."""
    user = check_user(user or current_user())
    granted = grants(root).get(user)
    if granted is None or not granted.orgs:
        raise AccessError(
            f"用户 {user} 未获授权访问个人数据，请管理员用 `yigai warehouse grant` 授权",
            f"user {user} has no grant to personal data; "
            "an administrator grants it with `yigai warehouse grant`",
        )
    everything = ALL in granted.orgs
    return Scope(user, frozenset(o for o in granted.orgs if o != ALL), everything)


def require_all(root: Path, what: str) -> Scope:
    """The current user's scope, which must be everything (a region-wide job such as settlement)."""
    scope = scope_of(root)
    if not scope.everything:
        raise AccessError(
            f"{what}需要全部数据的授权，用户 {scope.user} 仅获授权 {scope.describe()}",
            f"{what} needs a grant to all data; user {scope.user} holds {scope.describe()}",
        )
    return scope


def grant(root: Path, user: str, orgs: list[str], known: set[str] | None = None) -> Grant:
    """Grant ``user`` the org units ``orgs`` (replacing their earlier grant); administrators
    only. With ``known`` (the stored org unit ids), an unknown unit is refused rather than
    granted in vain."""
    by = require_all(root, "授权 / granting").user
    check_user(user)
    if not orgs:
        raise AccessError("至少授权一个机构", "grant at least one org unit")
    unknown = sorted(o for o in orgs if o != ALL and known is not None and o not in known)
    if unknown:
        raise AccessError(f"未知机构编码：{unknown}", f"unknown org unit ids: {unknown}")
    users = grants(root)
    users[user] = Grant(user, tuple(dict.fromkeys(orgs)), by, _now())
    # The trail first: a change that cannot be traced is not made.
    audit.record_access_change(root, "grant", user, list(users[user].orgs))
    _save(root, users)
    return users[user]


def revoke(root: Path, user: str) -> None:
    """Withdraw ``user``'s grant; administrators only, and the last administrator stays."""
    require_all(root, "撤销授权 / revoking")
    check_user(user)
    users = grants(root)
    if user not in users:
        raise AccessError(f"用户 {user} 没有授权", f"user {user} has no grant")
    admins = [g for g in users.values() if ALL in g.orgs]
    if ALL in users[user].orgs and len(admins) == 1:
        raise AccessError("不能撤销最后一位管理员", "the last administrator cannot be revoked")
    held = list(users.pop(user).orgs)
    audit.record_access_change(root, "revoke", user, held)
    _save(root, users)


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
