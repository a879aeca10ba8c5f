//! The Alembic / SQLAlchemy target (`generated/alembic/`, `generated/alembic.ini`)
//! checked by its own tools, for the showcase and every example:
//!
//! - `mypy --strict` and pyright in strict mode pass on `models.py`, `env.py`
//!   and the revisions (and fail on a copy with a type error);
//! - the models configure with warnings as errors (SQLAlchemy's
//!   overlapping-relationship warning fails, as a copy without the
//!   same-tenant `primaryjoin` shows);
//! - on PostgreSQL, `alembic upgrade head` (the venv's alembic, the generated
//!   `alembic.ini`, `DATABASE_URL`) builds the schema our SQL migration
//!   builds: equal `pg_dump`s, Alembic's `alembic_version` table aside; every
//!   revision round-trips (upgrade one step at a time, downgrade one step at
//!   a time back to an empty schema, upgrade again, same dumps); the SQL of
//!   offline mode (`alembic upgrade head --sql`) builds it too;
//! - the showcase's models write and read rows on that database (enums,
//!   JSON, relationships; clearing a same-tenant relation keeps the tenant);
//! - SQLAlchemy's autogenerate, comparing the models with the database our
//!   SQL built (types and server defaults included), finds no difference, and
//!   finds one in a copy with a changed column type, a missing index or a
//!   missing check (CHECK constraints compared by name, as `env.py` does);
//! - the reserved-words fixture (`tests/fixtures/reserved`, fragments naming
//!   reserved words unquoted) upgrades to our schema and autogenerates no
//!   difference.
//!
//! Needs the venv of `tools/python` and the Node tools of `tools/node`
//! (`scripts/test` installs both) and PostgreSQL (`TABLEWRIGHT_PG_URL`).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::tools::{TempDir, copy_dir, generate_fixture, node_bin, postgres_up_sql, python, run, venv_bin};
use common::{Database, PgDatabase, crate_dirs, diff_lines};

/// Alembic's bookkeeping table: in DB B, not in our schema.
const ALEMBIC_VERSION: &str = "public.alembic_version";

/// A copy of a crate's `generated/alembic.ini` and `generated/alembic/` in a
/// temp dir, so the tools' caches never land in `generated/`.
fn copy_target(crate_dir: &Path, label: &str) -> TempDir {
    let dir = TempDir::new(label);
    let generated = crate_dir.join("generated");
    let ini = generated.join("alembic.ini");
    fs::copy(&ini, dir.path().join("alembic.ini"))
        .unwrap_or_else(|e| panic!("{}: {e}; run `cargo build --workspace` first", ini.display()));
    copy_dir(&generated.join("alembic"), &dir.path().join("alembic"));
    dir
}

/// The revision files of a copy, in file-name order (`0001_...` first).
fn revisions(alembic: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(alembic.join("versions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}: no revisions", alembic.display());
    files
}

/// The Python files the type checkers see: models, env, revisions.
fn python_files(alembic: &Path) -> Vec<String> {
    let mut files = vec!["models.py".to_string(), "env.py".to_string()];
    for rev in revisions(alembic) {
        files.push(format!("versions/{}", rev.file_name().unwrap().to_string_lossy()));
    }
    files
}

fn python_command(program: PathBuf) -> Command {
    let mut cmd = Command::new(program);
    cmd.env("PYTHONDONTWRITEBYTECODE", "1").env_remove("DATABASE_URL");
    cmd
}

fn mypy(alembic: &Path, cache: &Path) -> Result<(), String> {
    let mut cmd = python_command(venv_bin("mypy"));
    cmd.arg("--strict").arg("--cache-dir").arg(cache).args(python_files(alembic));
    run(cmd, alembic).map(drop)
}

fn pyright(alembic: &Path) -> Result<(), String> {
    fs::write(
        alembic.join("pyrightconfig.json"),
        r#"{ "typeCheckingMode": "strict", "pythonVersion": "3.11", "include": ["."] }"#,
    )
    .unwrap();
    let mut cmd = Command::new(node_bin("pyright"));
    cmd.arg("-p").arg("pyrightconfig.json").arg("--pythonpath").arg(python());
    run(cmd, alembic).map(drop)
}

/// Imports the models and configures every mapper with warnings as errors.
fn configure_models(alembic: &Path) -> Result<(), String> {
    let mut cmd = python_command(python());
    cmd.args(["-W", "error", "-c", "import models, sqlalchemy.orm; sqlalchemy.orm.configure_mappers()"]);
    run(cmd, alembic).map(drop)
}

fn edit(path: &Path, change: impl FnOnce(&str) -> String) {
    let before = fs::read_to_string(path).unwrap();
    let after = change(&before);
    assert_ne!(before, after, "{}: the deliberate break changed nothing", path.display());
    fs::write(path, after).unwrap();
}

#[test]
fn models_and_revisions_pass_mypy_strict() {
    let cache = TempDir::new("mypy-cache");
    for (name, dir) in crate_dirs() {
        let copy = copy_target(&dir, "alembic-mypy");
        mypy(&copy.path().join("alembic"), cache.path()).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let (_, showcase) = &crate_dirs()[0];
    let copy = copy_target(showcase, "alembic-mypy-broken");
    edit(&copy.path().join("alembic/models.py"), |s| format!("{s}\nbroken: int = \"not an int\"\n"));
    let err = mypy(&copy.path().join("alembic"), cache.path()).expect_err("mypy accepted a type error");
    assert!(err.contains("Incompatible types in assignment"), "{err}");
}

#[test]
fn models_and_revisions_pass_pyright_strict() {
    for (name, dir) in crate_dirs() {
        let copy = copy_target(&dir, "alembic-pyright");
        pyright(&copy.path().join("alembic")).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let (_, showcase) = &crate_dirs()[0];
    let copy = copy_target(showcase, "alembic-pyright-broken");
    edit(&copy.path().join("alembic/versions/0001_initial.py"), |s| format!("{s}\nbroken: int = \"not an int\"\n"));
    let err = pyright(&copy.path().join("alembic")).expect_err("pyright accepted a type error");
    assert!(err.contains("reportAssignmentType"), "{err}");
}

#[test]
fn models_configure_with_warnings_as_errors() {
    for (name, dir) in crate_dirs() {
        let copy = copy_target(&dir, "alembic-configure");
        configure_models(&copy.path().join("alembic")).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    // Without its primaryjoin, a same-tenant relationship writes the tenant
    // column that the tenant relationship writes too: SQLAlchemy warns.
    let (_, showcase) = &crate_dirs()[0];
    let copy = copy_target(showcase, "alembic-configure-broken");
    edit(&copy.path().join("alembic/models.py"), |s| {
        let start = s.find(", primaryjoin=").expect("the showcase has a same-tenant relationship");
        let end = start + s[start..].find(")\n").unwrap();
        format!("{}{}", &s[..start], &s[end..])
    });
    let err =
        configure_models(&copy.path().join("alembic")).expect_err("overlapping relationships configured silently");
    assert!(err.contains("conflicts with relationship"), "{err}");
}

/// `alembic <args>` on the copy's `alembic.ini`, against `db`.
fn alembic(copy: &Path, db: &PgDatabase, args: &[&str]) -> Result<(), String> {
    let mut cmd = python_command(venv_bin("alembic"));
    cmd.arg("-c").arg(copy.join("alembic.ini")).args(args).env("DATABASE_URL", db.url());
    run(cmd, copy).map(drop)
}

fn our_database(crate_dir: &Path) -> Option<PgDatabase> {
    let mut db = PgDatabase::create().unwrap_or_else(|e| panic!("{e}"))?;
    // Every recorded migration, in order (the blog has three).
    let sql = postgres_up_sql(&crate_dir.join("generated"));
    db.execute_batch(&sql).unwrap_or_else(|e| panic!("{}: {e}", crate_dir.display()));
    Some(db)
}

#[test]
fn alembic_upgrade_builds_our_schema_and_every_revision_round_trips() {
    for (name, dir) in crate_dirs() {
        let Some(mut ours) = our_database(&dir) else { return };
        let expected = ours.dump_schema().unwrap();
        let Some(mut db) = PgDatabase::create().unwrap() else { return };
        let copy = copy_target(&dir, "alembic-upgrade");
        let revisions = revisions(&copy.path().join("alembic"));

        // states[i]: the schema after the first i revisions.
        let mut states = vec![db.dump_schema_excluding(&[ALEMBIC_VERSION]).unwrap()];
        for _ in &revisions {
            alembic(copy.path(), &db, &["upgrade", "+1"]).unwrap_or_else(|e| panic!("{name}: {e}"));
            states.push(db.dump_schema_excluding(&[ALEMBIC_VERSION]).unwrap());
        }
        let head = states.last().unwrap().clone();
        assert_ne!(states[0], head, "{name}: alembic upgrade head changed nothing");
        assert!(
            head == expected,
            "{name}: alembic upgrade head differs from our SQL migration (- ours, + alembic):\n{}",
            diff_lines(&expected, &head)
        );

        for (i, rev) in revisions.iter().enumerate().rev() {
            alembic(copy.path(), &db, &["downgrade", "-1"]).unwrap_or_else(|e| panic!("{name}: {e}"));
            let now = db.dump_schema_excluding(&[ALEMBIC_VERSION]).unwrap();
            assert!(
                now == states[i],
                "{name}: downgrading {} does not restore the schema before it:\n{}",
                rev.display(),
                diff_lines(&states[i], &now)
            );
        }
        alembic(copy.path(), &db, &["upgrade", "head"]).unwrap_or_else(|e| panic!("{name}: {e}"));
        let again = db.dump_schema_excluding(&[ALEMBIC_VERSION]).unwrap();
        assert!(again == head, "{name}: upgrade after downgrade differs:\n{}", diff_lines(&head, &again));

        // Offline mode (`upgrade head --sql`, for DBAs who review the SQL):
        // the script it prints builds the same schema.
        let Some(mut offline) = PgDatabase::create().unwrap() else { return };
        let mut cmd = python_command(venv_bin("alembic"));
        cmd.arg("-c").arg(copy.path().join("alembic.ini")).args(["upgrade", "head", "--sql"]);
        cmd.env("DATABASE_URL", offline.url());
        let output = run(cmd, copy.path()).unwrap_or_else(|e| panic!("{name}: {e}"));
        offline.execute_batch(&String::from_utf8_lossy(&output.stdout)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let printed = offline.dump_schema_excluding(&[ALEMBIC_VERSION]).unwrap();
        assert!(printed == head, "{name}: the offline SQL differs:\n{}", diff_lines(&head, &printed));
    }
}

/// Prints each difference autogenerate finds between `models.Base.metadata`
/// and the database, then `differences: N`.
const COMPARE_PY: &str = r#"
import sys
import warnings

warnings.simplefilter("error")
sys.path.insert(0, sys.argv[1])

import models
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

engine = sa.create_engine(sys.argv[2])
with engine.connect() as conn:
    opts = {
        "compare_type": True,
        "compare_server_default": True,
        # As env.py: CHECK constraints compared by name too.
        "autogenerate_plugins": ["alembic.autogenerate.*", "alembic.ext.checkconstraint_byname"],
    }
    context = MigrationContext.configure(conn, opts=opts)
    diff = compare_metadata(context, models.Base.metadata)
engine.dispose()
for d in diff:
    print(d)
print(f"differences: {len(diff)}")
"#;

/// The differences autogenerate reports (their lines), or Err when it fails.
fn autogenerate_diff(alembic: &Path, db: &PgDatabase) -> Result<Vec<String>, String> {
    fs::write(alembic.join("compare_models.py"), COMPARE_PY).unwrap();
    let url = db.url().replacen("postgres://", "postgresql+psycopg://", 1);
    let mut cmd = python_command(python());
    cmd.arg("compare_models.py").arg(alembic).arg(url);
    let output = run(cmd, alembic)?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let last = lines.pop().unwrap_or_default();
    assert!(last.starts_with("differences: "), "unexpected output of compare_models.py:\n{text}");
    Ok(lines)
}

#[test]
fn autogenerate_finds_no_difference_from_our_database() {
    for (name, dir) in crate_dirs() {
        let Some(db) = our_database(&dir) else { return };
        let copy = copy_target(&dir, "alembic-autogenerate");
        let alembic = copy.path().join("alembic");
        let diff = autogenerate_diff(&alembic, &db).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(diff.is_empty(), "{name}: autogenerate finds differences:\n{}", diff.join("\n"));

        // A changed column type and a missing index are found.
        let models = alembic.join("models.py");
        let original = fs::read_to_string(&models).unwrap();
        edit(&models, |s| s.replacen("sa.String(", "sa.String(1 + ", 1));
        let diff = autogenerate_diff(&alembic, &db).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(diff.iter().any(|d| d.contains("modify_type")), "{name}: a changed type went unnoticed: {diff:?}");
        fs::write(&models, &original).unwrap();
        edit(&models, |s| {
            let start = s.find("        sa.Index(").expect("every crate has an index");
            let end = start + s[start..].find('\n').unwrap() + 1;
            format!("{}{}", &s[..start], &s[end..])
        });
        let diff = autogenerate_diff(&alembic, &db).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(diff.iter().any(|d| d.contains("remove_index")), "{name}: a missing index went unnoticed: {diff:?}");
        fs::write(&models, &original).unwrap();
        edit(&models, |s| {
            let start = s.find("        sa.CheckConstraint(").expect("every crate has a check");
            let end = start + s[start..].find('\n').unwrap() + 1;
            format!("{}{}", &s[..start], &s[end..])
        });
        let diff = autogenerate_diff(&alembic, &db).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            diff.iter().any(|d| d.contains("remove_constraint") && d.contains("CheckConstraint")),
            "{name}: a missing check went unnoticed: {diff:?}"
        );
    }
}

/// The reserved-words fixture (`tests/fixtures/reserved`: reserved table and
/// column names, fragments naming `order` unquoted, quotes and backslashes):
/// `alembic upgrade head` builds the schema our SQL builds, and autogenerate
/// finds no difference (its checks and partial index are the rendered
/// fragments).
#[test]
fn the_reserved_words_fixture_upgrades_and_autogenerates_no_difference() {
    let fixture = generate_fixture("reserved");
    let Some(mut ours) = PgDatabase::create().unwrap_or_else(|e| panic!("{e}")) else { return };
    ours.execute_batch(&postgres_up_sql(fixture.path())).unwrap_or_else(|e| panic!("{e}"));
    let copy = TempDir::new("alembic-reserved");
    fs::copy(fixture.path().join("alembic.ini"), copy.path().join("alembic.ini")).expect("alembic.ini");
    copy_dir(&fixture.path().join("alembic"), &copy.path().join("alembic"));

    let Some(mut db) = PgDatabase::create().unwrap() else { return };
    alembic(copy.path(), &db, &["upgrade", "head"]).unwrap_or_else(|e| panic!("{e}"));
    let (expected, head) = (ours.dump_schema().unwrap(), db.dump_schema_excluding(&[ALEMBIC_VERSION]).unwrap());
    assert!(head == expected, "alembic upgrade head differs (- ours, + alembic):\n{}", diff_lines(&expected, &head));
    let diff = autogenerate_diff(&copy.path().join("alembic"), &ours).unwrap_or_else(|e| panic!("{e}"));
    assert!(diff.is_empty(), "autogenerate finds differences:\n{}", diff.join("\n"));
}

/// The showcase's models in use: rows written through relationships
/// (same-tenant keys included), enums and JSON stored as our SQL expects,
/// a same-tenant relation cleared without touching the tenant column, and
/// the version counter: bumped by the database and read back, a stale
/// update refused with SQLAlchemy's StaleDataError.
const ORM_PY: &str = r#"import sys
import warnings

warnings.simplefilter("error")
sys.path.insert(0, sys.argv[1])

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Organization, Plan, Project, Task, TaskStatus, User

engine = sa.create_engine(sys.argv[2])
with Session(engine) as session:
    org = Organization(name="Acme", slug="acme", plan=Plan.GROWTH, settings={"theme": "dark"})
    user = User(email="a@example.com", display_name="A")
    project = Project(organization=org, name="Web", code="WEB")
    parent = Task(organization=org, project=project, title="Parent", created_by=user)
    child = Task(organization=org, project=project, title="Child", created_by=user, parent=parent)
    session.add_all([org, user, project, parent, child])
    session.flush()
    # De-associating a same-tenant relation clears its own column only.
    child.parent = None
    session.flush()
    session.expire_all()
    row = session.execute(
        sa.select(Task.organization_id, Task.parent_id, Task.status, Task.version).where(Task.title == "Child")
    ).one()
    assert row.organization_id == org.id, row
    assert row.parent_id is None, row
    assert row.status is TaskStatus.TODO, row
    assert row.version == 2, row
    stored = session.execute(sa.text("SELECT plan::text, settings->>'theme' FROM organizations")).one()
    assert tuple(stored) == ("growth", "dark"), stored
    assert sorted(t.title for t in project.tasks) == ["Child", "Parent"]
    assert [t.title for t in parent.children] == []
    session.commit()

# Versioned rows: the ORM's version counter is the database's. An update
# reads the bumped version back; one made from a stale copy is refused.
from sqlalchemy.orm.exc import StaleDataError

with Session(engine) as first, Session(engine) as second:
    mine = first.execute(sa.select(Task).where(Task.title == "Parent")).scalar_one()
    theirs = second.execute(sa.select(Task).where(Task.title == "Parent")).scalar_one()
    assert mine.version == theirs.version == 1, (mine.version, theirs.version)
    mine.title = "Parent, renamed"
    first.commit()
    assert mine.version == 2, mine.version
    theirs.title = "Parent, stale"
    try:
        second.commit()
    except StaleDataError:
        second.rollback()
    else:
        raise AssertionError("a stale update went through")
    titles = sorted(first.execute(sa.text("SELECT title FROM tasks")).scalars())
    assert titles == ["Child", "Parent, renamed"], titles
engine.dispose()
print("ok")
"#;

#[test]
fn showcase_models_write_and_read_rows_on_our_database() {
    let (_, showcase) = &crate_dirs()[0];
    let Some(db) = our_database(showcase) else { return };
    let copy = copy_target(showcase, "alembic-orm");
    let alembic = copy.path().join("alembic");
    fs::write(alembic.join("orm_smoke.py"), ORM_PY).unwrap();
    let mut cmd = python_command(python());
    cmd.arg("orm_smoke.py").arg(&alembic).arg(db.url().replacen("postgres://", "postgresql+psycopg://", 1));
    let output = run(cmd, &alembic).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "ok");
}
