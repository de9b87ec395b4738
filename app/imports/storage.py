"""An uploaded file waits for its confirmation under ``<instance>/imports/<uuid>.<ext>``,
with a small ``<uuid>.json`` saying whose it is: no state in the session cookie; the
confirmation reads the same file again and deletes it."""
from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

_TOKEN_RE = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class Upload:
    token: str
    kind: str
    filename: str
    user_id: int
    org_id: int
    path: Path

    def read(self) -> bytes:
        return self.path.read_bytes()


def folder() -> Path:
    path = Path(current_app.config.get("IMPORTS_DIR") or Path(current_app.instance_path) / "imports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def save(kind: str, filename: str, data: bytes, user_id: int, org_id: int) -> Upload:
    token = uuid.uuid4().hex
    ext = "xlsx" if filename.lower().endswith(".xlsx") or data[:2] == b"PK" else "csv"
    path = folder() / f"{token}.{ext}"
    path.write_bytes(data)
    (folder() / f"{token}.json").write_text(json.dumps(
        {"kind": kind, "filename": filename, "user_id": user_id, "org_id": org_id, "ext": ext}, ensure_ascii=False),
        encoding="utf-8")
    return Upload(token, kind, filename, user_id, org_id, path)


def load(token: str, user_id: int) -> Upload | None:
    """The upload ``token`` of this user, or None (another's, deleted, or a forged token)."""
    if not token or not _TOKEN_RE.fullmatch(token):
        return None
    meta_path = folder() / f"{token}.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    path = folder() / f"{token}.{meta.get('ext')}"
    if meta.get("user_id") != user_id or not path.is_file():
        return None
    return Upload(token, meta["kind"], meta["filename"], meta["user_id"], meta["org_id"], path)


def delete(upload: Upload) -> None:
    for path in (upload.path, upload.path.with_suffix(".json")):
        path.unlink(missing_ok=True)
