"""Reads what dhmig migrated for --target dhafnck as the DhafnckMCP server does.

The User model below is the app's users table as its SQLAlchemy models
declare it (fastmcp.auth.infrastructure.database.models): status is a
non-native Enum of UserStatus, which stores and loads the member *names*,
and roles is JSON. Loading a row whose status the Enum does not know raises,
as it would in the app. Every user is loaded; then, for the legacy users
whose password the test knows, bcrypt.checkpw must accept it, and the app's
login rule must hold for the active ones. password_changed_at must be set
(to the run's start) exactly for the users dhmig gave a new hash.

usage: dhafnck_client.py DATABASE_URL KNOWN_JSON
KNOWN_JSON: {"passwords": {legacy_id: password}, "active": [legacy_id, ...]}
Prints one line per problem and exits 1 when there is any.
"""

import datetime
import enum
import json
import sys
import uuid

import bcrypt
from sqlalchemy import JSON, Boolean, Column, DateTime, Integer, String, create_engine, text
from sqlalchemy import Enum as SQLEnum
from sqlalchemy.orm import Session, declarative_base


class UserStatus(str, enum.Enum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    SUSPENDED = "suspended"
    PENDING_VERIFICATION = "pending_verification"


class UserRole(str, enum.Enum):
    ADMIN = "admin"
    USER = "user"
    VIEWER = "viewer"
    DEVELOPER = "developer"


def user_model(postgres):
    Base = declarative_base()
    if postgres:
        from sqlalchemy.dialects.postgresql import UUID

        id_type = UUID(as_uuid=False)
    else:
        # SQLAlchemy 1.4 cannot render the app's postgresql.UUID on SQLite;
        # SQLAlchemy 2 stores it there as 32 hex digits, read as text here.
        id_type = String(36)

    class User(Base):
        __tablename__ = "users"
        id = Column(id_type, primary_key=True)
        email = Column(String(254), nullable=False, unique=True)
        username = Column(String(150), nullable=False, unique=True)
        password_hash = Column(String(255), nullable=False)
        full_name = Column(String(255))
        status = Column(SQLEnum(UserStatus, native_enum=False, length=50), nullable=False)
        roles = Column(JSON)
        email_verified = Column(Boolean)
        email_verified_at = Column(DateTime)
        last_login_at = Column(DateTime)
        failed_login_attempts = Column(Integer)
        locked_until = Column(DateTime)
        password_changed_at = Column(DateTime)
        password_reset_token = Column(String(255), unique=True)
        password_reset_expires = Column(DateTime)
        refresh_token_family = Column(String(255))
        refresh_token_version = Column(Integer)
        created_at = Column(DateTime, nullable=False)
        updated_at = Column(DateTime, nullable=False)
        created_by = Column(String(255))
        project_ids = Column(JSON)
        metadata_json = Column("metadata", JSON)

    return User


def main():
    url, known_path = sys.argv[1], sys.argv[2]
    with open(known_path) as f:
        known = json.load(f)
    postgres = url.startswith("postgresql")
    User = user_model(postgres)
    engine = create_engine(url)
    problems = []
    now = datetime.datetime.utcnow()
    with Session(engine) as s:
        users = {u.id: u for u in s.query(User).all()}
        mapped = s.execute(text("SELECT legacy_id, CAST(user_id AS TEXT), temp_password FROM dhmig_user_map")).fetchall()
    by_legacy = {}
    for legacy_id, user_id, temp in mapped:
        u = users.get(user_id)
        if u is None:
            problems.append("mapped user %s (legacy %s) does not load" % (user_id, legacy_id))
            continue
        temp = bool(temp)
        by_legacy[str(legacy_id)] = (u, temp)
        parsed = uuid.UUID(u.id)
        want_id = parsed.hex if not postgres else str(parsed)
        if u.id != want_id or parsed.version != 4:
            problems.append("user %s: id is not a uuid4 in the form the app stores" % u.id)
        if not isinstance(u.status, UserStatus):
            problems.append("user %s: status %r is not a UserStatus" % (u.id, u.status))
        if not u.roles or any(r not in {m.value for m in UserRole} for r in u.roles):
            problems.append("user %s: roles %r" % (u.id, u.roles))
        if u.failed_login_attempts != 0 or u.refresh_token_version != 0:
            problems.append("user %s: counters %r, %r, want 0, 0" % (u.id, u.failed_login_attempts, u.refresh_token_version))
        if u.locked_until is not None:
            problems.append("user %s: locked_until set" % u.id)
        # The app sets password_changed_at when it replaces a hash (reset,
        # change), never at sign-up: a kept hash has none, a hash dhmig
        # replaced was set at the run's start, which updated_at also is.
        if temp != (u.password_changed_at is not None) or temp and u.password_changed_at != u.updated_at:
            problems.append("user %s: password_changed_at %r for temp_password %r" % (u.id, u.password_changed_at, temp))
        if not isinstance(u.created_at, datetime.datetime) or not isinstance(u.updated_at, datetime.datetime):
            problems.append("user %s: timestamps do not load as datetimes" % u.id)
        if u.email != u.email.strip().lower():
            problems.append("user %s: email is not as the app looks it up" % u.id)
        verified = u.status == UserStatus.ACTIVE
        if bool(u.email_verified) != verified or (u.email_verified_at == u.created_at) != verified:
            problems.append("user %s: %s with email_verified %r" % (u.id, u.status.name, u.email_verified))
    if not any(temp for _, temp in by_legacy.values()):
        problems.append("no user with a temporary password to check password_changed_at on")
    if len(by_legacy) != len(mapped):
        problems.append("%d mapped users, %d loaded" % (len(mapped), len(by_legacy)))
    active = set(str(i) for i in known["active"])
    for legacy_id, pw in known["passwords"].items():
        if legacy_id not in by_legacy:
            problems.append("legacy %s was not migrated" % legacy_id)
            continue
        u, temp = by_legacy[legacy_id]
        if temp or not bcrypt.checkpw(pw.encode(), u.password_hash.encode()):
            problems.append("legacy %s: bcrypt.checkpw refuses the legacy password" % legacy_id)
        # auth_service.login: not locked, not SUSPENDED, email verified;
        # the domain's is_active() also wants ACTIVE.
        locked = u.locked_until is not None and now < u.locked_until
        can_login = not locked and u.status != UserStatus.SUSPENDED and bool(u.email_verified)
        is_active = u.status == UserStatus.ACTIVE and bool(u.email_verified) and not locked
        if (legacy_id in active) != (can_login and is_active):
            problems.append("legacy %s (active %s): the app's login rule says %s" % (legacy_id, legacy_id in active, can_login and is_active))
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print("ok: %d users loaded, %d migrated, %d known passwords checked" % (len(users), len(mapped), len(known["passwords"])))


if __name__ == "__main__":
    main()
