//! Issue 12's proof for the database importer: build a crate's migrations
//! into a fresh database, import it, build the imported source with the
//! same pipeline `cargo build` runs, apply that crate's migrations to a
//! second fresh database, and compare the two schema dumps.
//!
//! The dumps are compared after the normalizations listed in
//! `cli/README.md` ("Import: what a round trip keeps"); where a round trip
//! cannot be exact, the test asserts exactly which lines differ.

mod support;

use std::path::{Path, PathBuf};

use support::{Database, Dialect, MysqlDatabase, PgDatabase, SqliteDatabase, apply_all, diff_lines};
use tablewright_cli::import::database::{Imported, import_database};
use tablewright_core::build::Builder;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fresh database of `dialect` and the URL the importer reads it from;
/// `None`: the server is unreachable and `CI` is unset (skipped).
fn fresh(dialect: Dialect, keep: &tempfile::TempDir) -> Option<(Box<dyn Database>, String)> {
    match dialect {
        Dialect::Postgres => {
            let db = PgDatabase::create().unwrap_or_else(|e| panic!("{e}"))?;
            let url = db.url();
            Some((Box::new(db), url))
        }
        Dialect::Mysql => {
            let db = MysqlDatabase::create().unwrap_or_else(|e| panic!("{e}"))?;
            let url = support::mysql_url(&db);
            Some((Box::new(db), url))
        }
        Dialect::Sqlite => {
            let db = SqliteDatabase::create().unwrap_or_else(|e| panic!("{e}"));
            let file = keep.path().join(format!("{}.db", support::unique_db_name()));
            Some((Box::new(db), format!("sqlite:{}", file.display())))
        }
    }
}

/// Imports the database at `url` (for SQLite: `db` written to that file first).
fn import(db: &mut dyn Database, url: &str) -> Imported {
    if let Some(file) = url.strip_prefix("sqlite:") {
        db.execute_batch(&format!("VACUUM INTO '{}'", file.replace('\'', "''"))).unwrap();
    }
    import_database(url).unwrap_or_else(|e| panic!("import of {url}: {e}"))
}

/// The imported source built as a crate: its up migrations for `dialect`, in order.
fn build_imported(source: &str, dialect: Dialect) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), source).unwrap();
    let artifacts = Builder::new()
        .with_crate_dir(dir.path())
        .with_out_dir("generated")
        .generate()
        .unwrap_or_else(|e| panic!("the imported source does not build: {e}\n{source}"));
    let prefix = format!("migrations/{}/", dialect.dir_name());
    let mut ups: Vec<(String, String)> = artifacts
        .artifacts()
        .iter()
        .filter_map(|a| {
            let path = a.path.to_string_lossy().replace('\\', "/");
            (path.starts_with(&prefix) && path.ends_with(".up.sql"))
                .then(|| (path, String::from_utf8_lossy(&a.contents).into_owned()))
        })
        .collect();
    ups.sort();
    ups.into_iter().map(|(_, sql)| sql).collect()
}

/// What one round trip produced.
struct RoundTrip {
    imported: Imported,
    /// The dump of the database the crate's own migrations built.
    original: String,
    /// The dump of the database the imported crate's migrations built.
    rebuilt: String,
}

/// Crate migrations -> database A -> import -> build -> database B.
fn round_trip(dialect: Dialect, crate_dir: &str) -> Option<RoundTrip> {
    let keep = tempfile::tempdir().unwrap();
    let (mut a, url) = fresh(dialect, &keep)?;
    apply_all(a.as_mut(), &repo().join(crate_dir).join("generated/migrations").join(dialect.dir_name()));
    let imported = import(a.as_mut(), &url);
    let (mut b, _) = fresh(dialect, &keep)?;
    for sql in build_imported(&imported.source, dialect) {
        b.execute_batch(&sql)
            .unwrap_or_else(|e| panic!("{dialect}: the imported crate's migration fails: {e}\n{}", imported.source));
    }
    let original = normalize(dialect, &dump(a.as_mut()));
    let rebuilt = normalize(dialect, &dump(b.as_mut()));
    Some(RoundTrip { imported, original, rebuilt })
}

/// The harness's schema dump, plus on PostgreSQL the table privileges of
/// the roles tablewright grants to (`pg_dump --no-privileges` leaves them
/// out, and `#[global]` or a missing `#[tenant_scoped]` shows only there).
fn dump(db: &mut dyn Database) -> String {
    let mut out = db.dump_schema().unwrap();
    if db.dialect() == Dialect::Postgres {
        let grants = db
            .query_scalar(
                "SELECT string_agg(grantee || ' ' || table_name || ' ' || privilege_type, E'\\n' ORDER BY grantee, table_name, privilege_type)
                 FROM information_schema.role_table_grants
                 WHERE table_schema = 'public' AND grantee IN ('app_user', 'app_admin')",
            )
            .unwrap();
        out.push_str(&format!("grants:\n{}\n", grants.unwrap_or_default()));
    }
    out
}

/// The documented normalizations (cli/README.md, "Import").
fn normalize(dialect: Dialect, dump: &str) -> String {
    match dialect {
        // SQLite keeps each CREATE statement as written. The examples'
        // committed migrations were written before tablewright quoted the
        // identifiers inside checks and index predicates, which it does
        // now: `CHECK (slug <> '')` then, `CHECK ("slug" <> '')` today.
        // Quotes are dropped from both dumps; every name is still compared.
        Dialect::Sqlite => dump.replace('"', ""),
        Dialect::Postgres | Dialect::Mysql => dump.to_string(),
    }
}

fn assert_same(dialect: Dialect, crate_dir: &str) {
    let Some(rt) = round_trip(dialect, crate_dir) else { return };
    if std::env::var_os("TW_SHOW_IMPORT").is_some() {
        eprintln!("{}\n{}", rt.imported.source, rt.original);
    }
    let diff = diff_lines(&rt.original, &rt.rebuilt);
    assert!(
        diff.is_empty(),
        "{dialect}, {crate_dir}: the rebuilt database differs:\n{diff}\nreport: {:#?}\n{}",
        rt.imported.report,
        rt.imported.source
    );
}

#[test]
fn blog_on_postgres() {
    assert_same(Dialect::Postgres, "examples/blog");
}

#[test]
fn showcase_on_postgres() {
    assert_same(Dialect::Postgres, ".");
}

#[test]
fn shop_on_postgres() {
    assert_same(Dialect::Postgres, "examples/shop");
}

#[test]
fn blog_on_sqlite() {
    assert_same(Dialect::Sqlite, "examples/blog");
}

#[test]
fn shop_on_sqlite() {
    assert_same(Dialect::Sqlite, "examples/shop");
}

#[test]
fn showcase_on_sqlite() {
    assert_same(Dialect::Sqlite, ".");
}

#[test]
fn blog_on_mariadb() {
    assert_same(Dialect::Mysql, "examples/blog");
}

#[test]
fn shop_on_mariadb() {
    assert_same(Dialect::Mysql, "examples/shop");
}

#[test]
fn showcase_on_mariadb() {
    assert_same(Dialect::Mysql, ".");
}

/// A database the DSL did not write: a view, a table without a primary
/// key, a composite foreign key, a generated column, an expression index,
/// a trigger of its own. The import keeps every table it can (with its
/// keys, indexes and checks), names each of the rest in the report, and
/// the source it writes builds and migrates a fresh database.
fn hand_written(
    dialect: Dialect,
    sql: &str,
    expected_report: &[&str],
    expected_source: &[&str],
    rebuilt_tables: &[&str],
) {
    let keep = tempfile::tempdir().unwrap();
    let Some((mut a, url)) = fresh(dialect, &keep) else { return };
    a.execute_batch(sql).unwrap_or_else(|e| panic!("{dialect}: the hand-written schema: {e}"));
    let imported = import(a.as_mut(), &url);
    let report = imported.report.join("\n");
    for needle in expected_report {
        assert!(report.contains(needle), "{dialect}: the report does not say {needle:?}:\n{report}");
    }
    for needle in expected_source {
        assert!(imported.source.contains(needle), "{dialect}: the source lacks {needle:?}:\n{}", imported.source);
    }
    // Every report line is also in the source's header.
    for line in &imported.report {
        let first = line.lines().next().unwrap_or("");
        assert!(imported.source.contains(&format!("// - {first}")), "{dialect}: {line:?} is not in the header");
    }
    let (mut b, _) = fresh(dialect, &keep).expect("the server answered a moment ago");
    for up in build_imported(&imported.source, dialect) {
        b.execute_batch(&up)
            .unwrap_or_else(|e| panic!("{dialect}: the imported crate's migration fails: {e}\n{}", imported.source));
    }
    let dump = b.dump_schema().unwrap();
    for table in rebuilt_tables {
        assert!(dump.contains(table), "{dialect}: the rebuilt database has no `{table}`:\n{dump}");
    }
    for gone in ["event_log", "customer_names", "alembic_version"] {
        assert!(!dump.contains(gone), "{dialect}: `{gone}` cannot be imported but is in the rebuilt database");
    }
}

#[test]
fn hand_written_postgres_database_keeps_what_it_can_and_reports_the_rest() {
    hand_written(
        Dialect::Postgres,
        "CREATE TABLE customers (
           id bigserial PRIMARY KEY,
           email text NOT NULL UNIQUE,
           first_name varchar(80) NOT NULL,
           last_name varchar(80) NOT NULL,
           full_name text GENERATED ALWAYS AS (first_name || ' ' || last_name) STORED,
           country char(2),
           joined_on date NOT NULL DEFAULT CURRENT_DATE
         );
         COMMENT ON TABLE customers IS 'People who buy.';
         COMMENT ON COLUMN customers.country IS 'ISO 3166-1 alpha-2.';
         CREATE TABLE warehouses (
           region text NOT NULL,
           code text NOT NULL,
           capacity integer CHECK (capacity >= 0),
           PRIMARY KEY (region, code)
         );
         CREATE TABLE stock (
           id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
           region text NOT NULL,
           code text NOT NULL,
           customer_id bigint REFERENCES customers (id) ON DELETE SET NULL,
           qty integer NOT NULL DEFAULT 0,
           FOREIGN KEY (region, code) REFERENCES warehouses (region, code) ON DELETE CASCADE
         );
         CREATE INDEX stock_by_qty ON stock (qty DESC) WHERE qty > 0;
         CREATE TABLE event_log (at timestamptz NOT NULL DEFAULT now(), message text);
         CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
         CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL UNIQUE);
         CREATE TABLE customer_tags (
           customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
           tag_id integer NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
           PRIMARY KEY (customer_id, tag_id)
         );
         CREATE TABLE notes (
           id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
           body text NOT NULL,
           created_at timestamptz NOT NULL DEFAULT now(),
           updated_at timestamptz NOT NULL DEFAULT now(),
           deleted_at timestamptz
         );
         CREATE VIEW customer_names AS SELECT id, full_name FROM customers;
         CREATE INDEX customers_lower_email ON customers (lower(email));
         CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
         CREATE TRIGGER customers_touch BEFORE UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION touch();
         ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
         CREATE POLICY own_notes ON notes FOR SELECT USING (body <> '');",
        &[
            "view `customer_names` is not a table",
            "table `event_log` has no primary key",
            "the foreign key `stock_region_code_fkey` (region, code) -> `warehouses` (region, code) has several columns",
            "column `customers`.`full_name` is generated",
            "the index `customers_lower_email`",
            "the trigger `customers_touch`",
            "function `touch` is not generated by tablewright",
            "column `customers`.`id` is a serial",
            "table `alembic_version` is a migration tool's history: left out",
            "table `customer_tags`: the foreign key `customer_tags_customer_id_fkey` of the junction is named `fk_customer_tags_customer_id`",
            "table `customer_tags`: `#[many_to_many]` adds the index `idx_customer_tags_tag_id` on `tag_id`, which the database lacks",
            "table `notes`: `created_at`/`updated_at` are written as `#[timestamps]`, which also keeps `updated_at` current",
            "table `notes`: the policy `own_notes` is left out: tablewright writes row-level security for a schema with a `#[tenant]`",
            "table `notes` has row-level security on: left out",
        ],
        &[
            "/// People who buy.\n#[entity]\n#[index(email, unique, name = \"customers_email_key\")]\npub struct Customer {\n    #[id(auto)]\n    pub id: i64,",
            "    pub full_name: Option<String>,",
            "    /// ISO 3166-1 alpha-2.\n    #[column(sql_type = \"character(2)\")]\n    pub country: Option<String>,",
            "    #[default(sql = \"CURRENT_DATE\")]\n    pub joined_on: NaiveDate,",
            "#[check(name = \"warehouses_capacity_check\", \"capacity >= 0\")]\npub struct Warehouse {\n    #[id]\n    pub region: String,\n    #[id]\n    pub code: String,",
            "#[index(qty desc, where = \"qty > 0\", name = \"stock_by_qty\")]",
            "    #[belongs_to(Customer, on_delete = set_null)]\n    pub customer_id: Option<i64>,",
            "#[entity]\n#[many_to_many(Customer, Tag)]\npub struct CustomerTag {\n    pub customer_id: i64,\n    pub tag_id: i32,\n}",
            "#[entity]\n#[soft_delete]\n#[timestamps]\npub struct Note {\n    #[id]\n    pub id: Uuid,\n    pub body: String,\n}",
        ],
        &[
            "CREATE TABLE public.customers",
            "CREATE TABLE public.warehouses",
            "CREATE TABLE public.stock",
            "stock_by_qty",
        ],
    );
}

#[test]
fn hand_written_mariadb_database_keeps_what_it_can_and_reports_the_rest() {
    hand_written(
        Dialect::Mysql,
        "CREATE TABLE customers (
           id INT AUTO_INCREMENT PRIMARY KEY,
           email VARCHAR(200) NOT NULL UNIQUE,
           first_name VARCHAR(80) NOT NULL,
           last_name VARCHAR(80) NOT NULL,
           full_name VARCHAR(161) AS (CONCAT(first_name, ' ', last_name)) STORED,
           active TINYINT(1) NOT NULL DEFAULT 1,
           kind ENUM('retail', 'wholesale') NOT NULL DEFAULT 'retail',
           seen_at DATETIME(6) NULL ON UPDATE CURRENT_TIMESTAMP(6)
         ) COMMENT 'People who buy.';
         CREATE TABLE warehouses (
           region VARCHAR(20) NOT NULL,
           code VARCHAR(20) NOT NULL,
           capacity INT CHECK (capacity >= 0),
           PRIMARY KEY (region, code)
         );
         CREATE TABLE stock (
           id BIGINT AUTO_INCREMENT PRIMARY KEY,
           region VARCHAR(20) NOT NULL,
           code VARCHAR(20) NOT NULL,
           qty INT NOT NULL DEFAULT 0,
           CONSTRAINT fk_stock_warehouse FOREIGN KEY (region, code) REFERENCES warehouses (region, code) ON DELETE CASCADE
         );
         CREATE TABLE event_log (at DATETIME(6) NOT NULL, message TEXT);
         CREATE VIEW customer_names AS SELECT id, full_name FROM customers;
         CREATE TRIGGER customers_touch BEFORE UPDATE ON customers FOR EACH ROW SET NEW.active = NEW.active;",
        &[
            "view `customer_names` is not a table",
            "table `event_log` has no primary key",
            "the foreign key `fk_stock_warehouse` (region, code) -> `warehouses` (region, code) has several columns",
            "column `customers`.`full_name` is generated",
            "the trigger `customers_touch`",
            "column `customers`.`seen_at` is set ON UPDATE CURRENT_TIMESTAMP: that clause is left out",
        ],
        &[
            "#[db_enum]\npub enum Kind {\n    Retail,\n    Wholesale,\n}",
            "/// People who buy.\n#[entity]\n#[index(email, unique, name = \"email\")]\npub struct Customer {\n    #[id(auto)]\n    pub id: i32,",
            "    #[default(true)]\n    pub active: bool,\n    #[default(Kind::Retail)]\n    pub kind: Kind,",
            "pub struct Warehouse {\n    #[id]\n    #[column(max_len = 20)]\n    pub region: String,",
            "#[check(name = \"capacity\", \"capacity >= 0\")]\npub struct Warehouse {",
            "    #[column(max_len = 161)]\n    pub full_name: Option<String>,",
        ],
        &["\"customers\"", "\"warehouses\"", "\"stock\""],
    );
}

#[test]
fn hand_written_sqlite_database_keeps_what_it_can_and_reports_the_rest() {
    hand_written(
        Dialect::Sqlite,
        "CREATE TABLE customers (
           id INTEGER PRIMARY KEY AUTOINCREMENT,
           -- Where we write to.
           email TEXT NOT NULL UNIQUE,
           first_name VARCHAR(80) NOT NULL,
           last_name VARCHAR(80) NOT NULL,
           full_name TEXT GENERATED ALWAYS AS (first_name || ' ' || last_name) STORED
         );
         CREATE TABLE warehouses (region TEXT NOT NULL, code TEXT NOT NULL, capacity INTEGER CHECK (capacity >= 0), PRIMARY KEY (region, code));
         CREATE TABLE stock (
           id INTEGER PRIMARY KEY AUTOINCREMENT,
           region TEXT NOT NULL,
           code TEXT NOT NULL,
           qty INTEGER NOT NULL DEFAULT 0,
           FOREIGN KEY (region, code) REFERENCES warehouses (region, code) ON DELETE CASCADE
         );
         CREATE TABLE event_log (at TEXT NOT NULL, message TEXT);
         CREATE VIEW customer_names AS SELECT id, full_name FROM customers;
         CREATE INDEX customers_lower_email ON customers (lower(email));
         CREATE TRIGGER customers_touch AFTER UPDATE ON customers BEGIN SELECT 1; END;",
        &[
            "view `customer_names` is not a table",
            "table `event_log` has no primary key",
            "the foreign key `fk_stock_region_code` (region, code) -> `warehouses` (region, code) has several columns",
            "column `customers`.`full_name` is generated",
            "the index `customers_lower_email`",
            "the trigger `customers_touch`",
        ],
        &[
            "pub struct Customer {\n    #[id(auto)]\n    pub id: i64,\n    /// Where we write to.\n    #[unique]\n    pub email: String,",
            "#[check(\"capacity >= 0\")]\npub struct Warehouse {\n    #[id]\n    pub region: String,\n    #[id]\n    pub code: String,",
        ],
        &["customers", "warehouses", "stock"],
    );
}

#[test]
fn a_bad_url_or_an_unreachable_server_is_one_clear_error() {
    let error = import_database("oracle://scott@db/orcl").unwrap_err().to_string();
    assert!(error.contains("is not a database URL tablewright knows"), "{error}");
    // Nothing listens on port 1.
    let error = import_database("postgres://postgres@127.0.0.1:1/app").unwrap_err().to_string();
    assert!(error.starts_with("cannot connect to postgres://postgres@127.0.0.1:1/app"), "{error}");
    assert!(!error.contains('\n'), "{error}");
    let missing = tempfile::tempdir().unwrap().path().join("no/such/dir/app.db");
    let error = import_database(&format!("sqlite:{}", missing.display())).unwrap_err().to_string();
    assert!(error.starts_with("cannot open sqlite:"), "{error}");
}

#[test]
fn a_mysql_url_without_a_database_says_so() {
    let server = support::env_url(support::MYSQL_URL_VAR, support::DEFAULT_MYSQL_URL);
    if mysql::Conn::new(mysql::Opts::from_url(&server).unwrap()).is_err() {
        if std::env::var_os("CI").is_some() {
            panic!("cannot connect to MariaDB at {server} and CI is set");
        }
        eprintln!("note: skipping: cannot connect to MariaDB at {server}");
        return;
    }
    let error = import_database(&server).unwrap_err().to_string();
    assert!(error.contains("names no database"), "{error}");
}
