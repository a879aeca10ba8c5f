//! The database's runtime contract in each ORM client: a Prisma Client
//! extension (`prisma/tenant.ts`), a Drizzle transaction helper
//! (`drizzle/tenant.ts`), a TypeORM helper (`typeorm/tenant.ts`) and an
//! SQLAlchemy session context manager (`alembic/tenant.py`).
//!
//! Each one sets the tenant and the user the row-level security policies
//! read, per transaction (`set_config(..., true)`), reports the version
//! conflict the `#[versioned]` trigger raises as the ecosystem's typed
//! error, and, where row-level security does not hide soft-deleted rows,
//! offers the ecosystem's way to hide them. The files are templates
//! (`clients/*.ts`, `clients/*.py`, readable and type-checked as they are
//! generated) filled with the schema's settings; their targets' folders
//! decide whether they are written ([`super::Selection`]).

use super::{Artifact, Context, Emitted, Emitter};
use crate::runtime::{VERSION_CONFLICT_PREFIX, VERSION_CONFLICT_SQLSTATE};

/// Where each client's file goes, relative to the out dir.
pub const PRISMA_PATH: &str = "prisma/tenant.ts";
pub const DRIZZLE_PATH: &str = "drizzle/tenant.ts";
pub const TYPEORM_PATH: &str = "typeorm/tenant.ts";
pub const SQLALCHEMY_PATH: &str = "alembic/tenant.py";

/// The TypeScript shared by the three TypeScript clients: the context, the
/// settings, the details of a version conflict and how to find one in an
/// error.
const COMMON_TS: &str = include_str!("common.ts");
/// The error class of the clients whose ecosystem has no optimistic-lock
/// error of its own (Prisma, Drizzle).
const ERROR_CLASS_TS: &str = include_str!("error_class.ts");

/// Writes the four client files.
pub struct Clients;

impl Emitter for Clients {
    fn name(&self) -> &'static str {
        "clients"
    }

    fn emit(&self, cx: &Context<'_>, out: &mut Emitted) {
        let tenancy = &cx.options().tenancy;
        let ts = |template: &str| {
            let template = template.replace("__COMMON__", COMMON_TS).replace("__ERROR_CLASS__", ERROR_CLASS_TS);
            fill(&template, super::js::string_literal, tenancy)
        };
        out.artifacts.push(Artifact::text(PRISMA_PATH, ts(include_str!("prisma.ts"))));
        out.artifacts.push(Artifact::text(DRIZZLE_PATH, ts(include_str!("drizzle.ts"))));
        out.artifacts.push(Artifact::text(TYPEORM_PATH, ts(include_str!("typeorm.ts"))));
        out.artifacts.push(Artifact::text(
            SQLALCHEMY_PATH,
            fill(include_str!("sqlalchemy.py"), super::python::string_literal, tenancy)
                .replace("__MYSQL_USER_VARIABLE__", &super::python::string_literal(crate::audit::MYSQL_USER_VARIABLE)),
        ));
    }
}

/// A template with the settings, the SQLSTATE and the message prefix in
/// place, each a string literal of the language (`literal`).
fn fill(template: &str, literal: impl Fn(&str) -> String, tenancy: &super::TenancyOptions) -> String {
    template
        .replace("__TENANT_SETTING_TEXT__", &tenancy.tenant_setting)
        .replace("__USER_SETTING_TEXT__", &tenancy.user_setting)
        .replace("__TENANT_SETTING__", &literal(&tenancy.tenant_setting))
        .replace("__USER_SETTING__", &literal(&tenancy.user_setting))
        .replace("__SQLSTATE__", &literal(VERSION_CONFLICT_SQLSTATE))
        .replace("__PREFIX_PATTERN__", &regex_escape(VERSION_CONFLICT_PREFIX))
}

/// `text` as a regular expression matching it literally, in both
/// JavaScript's `/.../` literals and Python's raw strings.
fn regex_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\^$.|?*+()[]{}/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::EmitOptions;
    use crate::model::Schema;

    #[test]
    fn every_placeholder_is_filled() {
        let options = EmitOptions::default();
        let schema = Schema::default();
        let cx = Context::new(&schema, &options);
        let mut out = Emitted::default();
        Clients.emit(&cx, &mut out);
        assert_eq!(out.artifacts.len(), 4);
        for artifact in &out.artifacts {
            let text = String::from_utf8(artifact.contents.clone()).unwrap();
            for placeholder in [
                "__TENANT_SETTING",
                "__USER_SETTING",
                "__SQLSTATE__",
                "__PREFIX_PATTERN__",
                "__VERSION_CONFLICT__",
                "__MYSQL_",
            ] {
                assert!(!text.contains(placeholder), "{}: {placeholder} is left:\n{text}", artifact.path.display());
            }
            assert!(text.contains("app.tenant_id") && text.contains("app.user_id"), "{}", artifact.path.display());
        }
        let prisma = String::from_utf8(out.artifacts[0].contents.clone()).unwrap();
        assert!(prisma.contains("export const VERSION_CONFLICT_SQLSTATE = \"TW409\";"), "{prisma}");
        assert!(prisma.contains("/tablewright: version conflict on ([^\\s:(]+)"), "{prisma}");
    }
}
