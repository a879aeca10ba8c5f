"""The SQLAlchemy session of generated/alembic/tenant.py against a database
our migrations built, connected as a login role granted the application
role (tests/client_runtime.rs prepares both and reads the JSON this prints).
Run with generated/alembic on sys.path."""

import json
import os

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from models import Task
from tenant import VersionConflict, tenant_session


def url(name: str) -> str:
    return os.environ[name].replace("postgres://", "postgresql+psycopg://", 1)


factory = sessionmaker(sa.create_engine(url("DATABASE_URL")))
admin = sessionmaker(sa.create_engine(url("ADMIN_URL")))


def ids(user_id: str | None) -> list[str]:
    with tenant_session(factory, user_id=user_id) as session:
        return sorted(str(i) for i in session.scalars(sa.select(Task.id)))


a, b, none = ids(os.environ["USER_A"]), ids(os.environ["USER_B"]), ids(None)
task_id, user = os.environ["TASK"], os.environ["USER_A"]

with tenant_session(factory, user_id=user) as session:
    read = session.get_one(Task, task_id)
    stale_version = read.version
    read.title = "changed by sqlalchemy"  # flushed with WHERE version = <read>

# The database's conflict: an update that writes a stale version.
conflict: dict[str, object] | None = None
try:
    with tenant_session(factory, user_id=user) as session:
        session.execute(sa.update(Task).where(Task.id == task_id).values(title="stale", version=stale_version))
except VersionConflict as error:
    conflict = {
        "name": type(error).__name__,
        "typed": isinstance(error, StaleDataError),
        "table": error.table,
        "key": error.key,
        "rowVersion": error.row_version,
        "staleVersion": error.stale_version,
    }

# The ORM's conflict: a copy read before another session's update.
orm_conflict = None
stale_session: Session = factory()
try:
    with tenant_session(lambda: stale_session, user_id=user) as session:
        copy = session.get_one(Task, task_id)
        with tenant_session(factory, user_id=user) as other:
            other.get_one(Task, task_id).title = "changed meanwhile"
        copy.title = "from the stale copy"
except StaleDataError as error:
    orm_conflict = type(error).__name__

# hide_deleted where no policy filters: the table owner, past row-level security.
org_a = os.environ["ORG_A"]
with tenant_session(admin, hide_deleted=False) as session:
    everything = len(session.scalars(sa.select(Task).where(Task.organization_id == org_a)).all())
with tenant_session(admin, hide_deleted=True) as session:
    live = len(session.scalars(sa.select(Task).where(Task.organization_id == org_a)).all())

print(json.dumps({"a": a, "b": b, "none": none, "conflict": conflict, "orm_conflict": orm_conflict, "all": everything, "live": live}))
