//! `tablewright.toml`: the builder's settings in a file, so that the build
//! script and the `tablewright` command line generate the same files.
//!
//! The file sits beside `Cargo.toml`. Every key is optional:
//!
//! ```toml
//! out_dir = "generated"            # where artifacts go, relative to the crate
//! src_dir = "src"                  # what is scanned
//! lint_errors = ["float_money"]    # review rules that fail the build
//! acknowledge = ["drop column tasks.notes"]
//! one_step_migrations = false
//! dialects = ["postgres"]          # postgres | mysql | sqlite; default: all three
//! targets = ["types", "prisma"]    # types | prisma | drizzle | typeorm | alembic | erd | seed; default: all
//! accept_dialect_limits = ["mysql_partial_index"]
//!
//! [tenancy]
//! role = "app_user"
//! admin_role = "app_admin"
//! tenant_setting = "app.tenant_id"
//! user_setting = "app.user_id"
//! mode = "auto"                    # auto | setting | membership
//!
//! [seed]
//! seed = 42
//! tenants = 2
//! rows_per_tenant = 4
//! rows = 6
//! ```
//!
//! Settings made in `build.rs` code win over the file; lists
//! (`lint_errors`, `acknowledge`) are merged. An unknown key is an error,
//! so a typo cannot silently fall back to a default.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::Error;
use crate::emit::{EmitOptions, TenancyMode, TenancyOptions};

/// The file's name, beside the crate's `Cargo.toml`.
pub const CONFIG_FILE: &str = "tablewright.toml";

/// The parsed file.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub out_dir: Option<PathBuf>,
    pub src_dir: Option<PathBuf>,
    #[serde(default)]
    pub lint_errors: Vec<String>,
    #[serde(default)]
    pub acknowledge: Vec<String>,
    #[serde(default)]
    pub one_step_migrations: bool,
    /// `Builder::with_dialects`, by folder name: `postgres`, `mysql`, `sqlite`.
    pub dialects: Option<Vec<String>>,
    /// `Builder::with_targets`, by folder name: `prisma`, `typeorm`, ...
    pub targets: Option<Vec<String>>,
    /// `Builder::accept_dialect_limits`.
    #[serde(default)]
    pub accept_dialect_limits: Vec<String>,
    pub tenancy: Option<TenancyConfig>,
    pub seed: Option<SeedConfig>,
}

/// `[tenancy]`: see [`TenancyOptions`].
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TenancyConfig {
    pub role: Option<String>,
    pub admin_role: Option<String>,
    pub tenant_setting: Option<String>,
    pub user_setting: Option<String>,
    pub mode: Option<ModeConfig>,
}

/// `mode = "auto" | "setting" | "membership"`.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ModeConfig {
    Auto,
    Setting,
    Membership,
}

/// `[seed]`: see [`crate::seed::SeedOptions`].
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SeedConfig {
    pub seed: Option<u64>,
    pub tenants: Option<u32>,
    pub rows_per_tenant: Option<u32>,
    pub rows: Option<u32>,
}

impl Config {
    /// Reads `<crate_dir>/tablewright.toml`; `Ok(None)` when there is none.
    ///
    /// ```
    /// use tablewright_core::build::config::Config;
    /// let dir = std::env::temp_dir().join(format!("tw-config-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// std::fs::write(dir.join("tablewright.toml"), "lint_errors = [\"float_money\"]\n[tenancy]\nrole = \"web\"\n").unwrap();
    /// let config = Config::load(&dir).unwrap().unwrap();
    /// assert_eq!(config.lint_errors, ["float_money"]);
    /// std::fs::write(dir.join("tablewright.toml"), "lint_eror = []\n").unwrap();
    /// let error = Config::load(&dir).unwrap_err().to_string();
    /// assert!(error.contains("unknown field `lint_eror`"), "{error}");
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn load(crate_dir: &Path) -> Result<Option<Config>, Error> {
        let path = crate_dir.join(CONFIG_FILE);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(&path, e)),
        };
        toml::from_str(&text)
            .map(Some)
            .map_err(|e| Error::Config { path, message: e.to_string().trim_end().replace('\n', "\n  ") })
    }

    /// Fills what `options` leaves at its default from the file, and merges
    /// the lists. A dialect or target name that does not exist is an error
    /// naming the ones that do.
    pub(super) fn apply(
        &self,
        path: &Path,
        options: &mut EmitOptions,
        history: &mut crate::evolve::history::Request,
    ) -> Result<(), Error> {
        let defaults = crate::emit::select::Selection::default();
        let selection = &mut options.selection;
        if let Some(names) = &self.dialects
            && selection.dialects == defaults.dialects
        {
            selection.dialects = by_name(path, "dialects", names, &crate::types::Dialect::ALL, |d| d.dir_name())?;
        }
        if let Some(names) = &self.targets
            && selection.targets == defaults.targets
        {
            selection.targets = by_name(path, "targets", names, &crate::emit::select::Target::ALL, |t| t.dir_name())?;
        }
        for limit in &self.accept_dialect_limits {
            if !selection.accepted_limits.contains(limit) {
                selection.accepted_limits.push(limit.clone());
            }
        }
        for rule in &self.lint_errors {
            options.lint.errors.insert(rule.clone());
        }
        for ack in &self.acknowledge {
            if !history.acknowledged.contains(ack) {
                history.acknowledged.push(ack.clone());
            }
        }
        history.one_step |= self.one_step_migrations;
        if let Some(tenancy) = &self.tenancy {
            let defaults = TenancyOptions::default();
            let t = &mut options.tenancy;
            fill(&mut t.role, &defaults.role, &tenancy.role);
            fill(&mut t.admin_role, &defaults.admin_role, &tenancy.admin_role);
            fill(&mut t.tenant_setting, &defaults.tenant_setting, &tenancy.tenant_setting);
            fill(&mut t.user_setting, &defaults.user_setting, &tenancy.user_setting);
            if t.mode == TenancyMode::Auto
                && let Some(mode) = tenancy.mode
            {
                t.mode = match mode {
                    ModeConfig::Auto => TenancyMode::Auto,
                    ModeConfig::Setting => TenancyMode::Setting,
                    ModeConfig::Membership => TenancyMode::Membership,
                };
            }
        }
        if let Some(seed) = &self.seed {
            let defaults = crate::seed::SeedOptions::default();
            let s = &mut options.seed;
            fill(&mut s.seed, &defaults.seed, &seed.seed);
            fill(&mut s.tenants, &defaults.tenants, &seed.tenants);
            fill(&mut s.rows_per_tenant, &defaults.rows_per_tenant, &seed.rows_per_tenant);
            fill(&mut s.rows, &defaults.rows, &seed.rows);
        }
        Ok(())
    }
}

/// The values of `all` named in `names`, in `all`'s order.
fn by_name<T: Copy + PartialEq>(
    path: &Path,
    key: &str,
    names: &[String],
    all: &[T],
    name: impl Fn(T) -> &'static str,
) -> Result<Vec<T>, Error> {
    if let Some(unknown) = names.iter().find(|n| !all.iter().any(|v| name(*v) == n.as_str())) {
        let valid: Vec<&str> = all.iter().map(|v| name(*v)).collect();
        return Err(Error::Config {
            path: path.to_path_buf(),
            message: format!("`{key}` names `{unknown}`, which does not exist: write some of {}", valid.join(", ")),
        });
    }
    Ok(all.iter().copied().filter(|v| names.iter().any(|n| n == name(*v))).collect())
}

/// `value = file` when `value` is still the default and the file sets it.
fn fill<T: Clone + PartialEq>(value: &mut T, default: &T, file: &Option<T>) {
    if let Some(file) = file
        && value == default
    {
        *value = file.clone();
    }
}
