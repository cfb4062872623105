"""The pseudonym key a warehouse was built with (假名密钥指纹), in ``<warehouse>/_meta/key.json``.

Every ``person_id`` is an HMAC of the identity number under the deployment's key, so records
imported under another key never link: a resident file imported with one key and encounters
with another would fail row by row as "not found in residents". The first import of personal
records writes the key's fingerprint; a later import under a different key is refused whole,
with one clear message. The fingerprint is an HMAC of a fixed label under the key, truncated:
it identifies the key without revealing it or any pseudonym.

The demo key (:data:`yigai.settings.DEMO_KEY`) is public. Anyone holding it and the warehouse
can re-identify residents by trying every candidate number (docs/PRIVACY.md), so it is
accepted only in a warehouse the synthetic generator marked as a demo warehouse, unless the
caller overrides (``yigai import --allow-demo-key``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path

from yigai.settings import DEMO_KEY
from yigai.warehouse.errors import WarehouseError

META_DIR = "_meta"
KEY_FILE = "key.json"
_LABEL = b"yigai-key-fingerprint"


class KeyRefused(WarehouseError):
    """The pseudonym key may not be used with this warehouse (wrong key or the demo key)."""


def fingerprint(key: bytes) -> str:
    """16 hex characters of HMAC-SHA256(key, fixed label): names the key, reveals nothing."""
    return hmac.new(key, _LABEL, hashlib.sha256).hexdigest()[:16]


def is_demo_key(key: bytes) -> bool:
    return hmac.compare_digest(key, DEMO_KEY.encode())


def _path(root: Path) -> Path:
    return Path(root) / META_DIR / KEY_FILE


def stored(root: Path) -> dict[str, object] | None:
    """The recorded ``{"fingerprint", "demo"}``, or None before the first personal import."""
    path = _path(root)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {"fingerprint": str(data["fingerprint"]), "demo": bool(data.get("demo", False))}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KeyRefused(
            f"密钥指纹文件 {path} 无法读取：{exc}",
            f"key fingerprint file {path} is unreadable: {exc}",
        ) from exc


def _write(root: Path, data: dict[str, object]) -> None:
    """Write atomically (temporary file + ``os.replace``), readable by the owner only."""
    path = _path(root)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    tmp = path.with_name(f".tmp-{os.getpid()}-{KEY_FILE}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def mark_demo(root: Path, key: bytes) -> None:
    """Mark a new warehouse as the demo's (synthetic data), so the demo key may be used in it.
    A warehouse that already recorded a key keeps its record."""
    if stored(root) is None:
        _write(root, {"fingerprint": fingerprint(key), "demo": True})


def check(root: Path, key: bytes, *, allow_demo_key: bool = False) -> None:
    """Raise :class:`KeyRefused` when ``key`` is not the warehouse's key, or is the public demo
    key in a warehouse that is not a demo warehouse (unless ``allow_demo_key``)."""
    meta = stored(root)
    if meta is not None and meta["fingerprint"] != fingerprint(key):
        raise KeyRefused(
            f"假名密钥与本仓库已有数据所用的密钥不同（仓库密钥指纹 {meta['fingerprint']}，"
            f"当前 {fingerprint(key)}）：用不同密钥导入的居民无法关联。请设置原来的 "
            "YIGAI_PSEUDONYM_KEY",
            f"the pseudonym key differs from the key this warehouse was built with (warehouse "
            f"fingerprint {meta['fingerprint']}, current {fingerprint(key)}): records would not "
            "link. Set the original YIGAI_PSEUDONYM_KEY",
        )
    if is_demo_key(key) and not (meta is not None and meta["demo"]) and not allow_demo_key:
        raise KeyRefused(
            "正在使用公开的演示密钥导入非演示仓库：请设置 YIGAI_PSEUDONYM_KEY 为本单位保管的"
            "密钥（确需使用演示密钥时加 --allow-demo-key）",
            "the public demo key is in use for a warehouse that is not a demo warehouse: set "
            "YIGAI_PSEUDONYM_KEY to your own secret key (or pass --allow-demo-key to override)",
        )


def record(root: Path, key: bytes) -> None:
    """Record the key's fingerprint after the first committed personal import."""
    if stored(root) is None:
        _write(root, {"fingerprint": fingerprint(key), "demo": False})
