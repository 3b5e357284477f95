"""Web accounts of a workspace: .dibao/users.json, argon2 password hashes, roles and villages.

Roles, each including the one before:
    查阅  reads, searches, prints and exports
    经办  also edits records, files scans, runs build / index / audit
    管理员 also manages accounts
An account with villages sees only the households of those villages.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from archive.errors import InputError
from archive.fsutil import atomic_write_text

ROLES = ("查阅", "经办", "管理员")
USERS_FILE = "users.json"
MIN_PASSWORD = 8


@dataclass
class Account:
    name: str
    role: str
    villages: list[str] = field(default_factory=list)
    hash: str = ""

    def can(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    def sees(self, village: str) -> bool:
        return not self.villages or village in self.villages


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def users_path(state_dir: Path) -> Path:
    return Path(state_dir) / USERS_FILE


def load(state_dir: Path) -> dict[str, Account]:
    path = users_path(state_dir)
    try:
        raw = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise InputError("账号文件无法读取或已损坏", path=path,
                         hint="从备份恢复这个文件，或删除它后用 dibao user add 重新建立账号") from exc
    return {name: Account(name=name, role=v["role"], villages=list(v.get("villages") or []), hash=v["hash"])
            for name, v in raw.items()}


def save(state_dir: Path, accounts: dict[str, Account]) -> None:
    data = {a.name: {k: v for k, v in asdict(a).items() if k != "name"} for a in accounts.values()}
    atomic_write_text(users_path(state_dir), json.dumps(data, ensure_ascii=False, indent=2))


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"密码太短（至少 {MIN_PASSWORD} 位）", field="密码", hint="换一个更长的密码")


def _check_name(name: str) -> None:
    if not name or len(name) > 50 or any(c in name for c in "\r\n\t/\\<>\"'"):
        raise InputError(f"账号名“{name}”不可用", field="NAME", hint="用姓名或工号，不含空白、引号、斜杠和尖括号")


def add(state_dir: Path, name: str, role: str, password: str, villages: list[str] | None = None) -> Account:
    _check_name(name)
    if role not in ROLES:
        raise InputError(f"角色“{role}”无效", field="--role", hint=f"写 {'、'.join(ROLES)} 之一")
    _check_password(password)
    accounts = load(state_dir)
    if name in accounts:
        raise InputError(f"账号“{name}”已存在", field="NAME", hint="改密码用 dibao user passwd；先删除再添加可改角色")
    acc = Account(name=name, role=role, villages=list(villages or []), hash=_hasher().hash(password))
    accounts[name] = acc
    save(state_dir, accounts)
    return acc


def passwd(state_dir: Path, name: str, password: str) -> None:
    _check_password(password)
    accounts = load(state_dir)
    if name not in accounts:
        raise InputError(f"没有账号“{name}”", field="NAME", hint="用 dibao user list 查看现有账号")
    accounts[name].hash = _hasher().hash(password)
    save(state_dir, accounts)


def update(state_dir: Path, name: str, role: str, villages: list[str] | None = None) -> Account:
    """Change an account's role and villages (its password stays)."""
    if role not in ROLES:
        raise InputError(f"角色“{role}”无效", field="--role", hint=f"写 {'、'.join(ROLES)} 之一")
    accounts = load(state_dir)
    if name not in accounts:
        raise InputError(f"没有账号“{name}”", field="NAME", hint="用 dibao user list 查看现有账号")
    if accounts[name].role == "管理员" and role != "管理员" and _admins(accounts) == [name]:
        raise InputError(f"“{name}”是唯一的管理员，不能改为{role}", field="--role", hint="先把另一个账号设为管理员")
    accounts[name].role = role
    accounts[name].villages = list(villages or [])
    save(state_dir, accounts)
    return accounts[name]


def _admins(accounts: dict[str, Account]) -> list[str]:
    return [a.name for a in accounts.values() if a.role == "管理员"]


def remove(state_dir: Path, name: str) -> None:
    accounts = load(state_dir)
    if name not in accounts:
        raise InputError(f"没有账号“{name}”", field="NAME", hint="用 dibao user list 查看现有账号")
    del accounts[name]
    save(state_dir, accounts)


def verify(accounts: dict[str, Account], name: str, password: str) -> Account | None:
    """The account when the password is right, else None (same work whether the name exists or not)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    acc = accounts.get(name)
    ph = _hasher()
    target = acc.hash if acc else _DUMMY.setdefault("h", ph.hash("dibao-no-such-user"))
    try:
        ph.verify(target, password)
    except (VerificationError, InvalidHashError):
        return None
    return acc


_DUMMY: dict[str, str] = {}
