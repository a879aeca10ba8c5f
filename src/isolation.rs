//! The showcase's tenant-isolation demonstration on PostgreSQL: two tenants,
//! a member of each, the non-superuser application role `app_user`, and what
//! each member sees (membership mode: `app.user_id` names the user, who sees
//! the organizations they are a member of).
//!
//! Runs in one transaction that is rolled back, so it leaves no rows behind.
//! The connecting user must be allowed to `SET ROLE app_user` (the owner that
//! applied the migrations usually is: a superuser, or a member of the role).

/// Creates two demo tenants with one project and one member each (as the
/// connecting user), then, as `app_user`, sets `app.user_id` to each member in
/// turn and reports what they see; finally shows that with no user set
/// nothing is visible.
///
/// Returns one summary line per observation, or an error naming what failed.
/// Fails (rather than reporting) when isolation does not hold.
pub fn demonstrate_isolation(client: &mut postgres::Client) -> Result<Vec<String>, String> {
    let mut tx = client.transaction().map_err(|e| format!("begin: {e}"))?;
    let tenants = [
        ("0000000d-0000-4000-8000-00000000000a", "isolation-demo-a", "DEMOA", "0000000d-0000-4000-8000-0000000000a1"),
        ("0000000d-0000-4000-8000-00000000000b", "isolation-demo-b", "DEMOB", "0000000d-0000-4000-8000-0000000000b1"),
    ];
    for (id, slug, code, user) in tenants {
        tx.execute("INSERT INTO organizations (id, name, slug) VALUES ($1::text::uuid, $2, $2)", &[&id, &slug])
            .map_err(|e| format!("creating demo tenant {slug}: {e}"))?;
        tx.execute(
            "INSERT INTO projects (organization_id, name, code) VALUES ($1::text::uuid, $2, $3)",
            &[&id, &format!("{slug} project"), &code],
        )
        .map_err(|e| format!("creating the project of {slug}: {e}"))?;
        tx.execute(
            "INSERT INTO users (id, email, display_name) VALUES ($1::text::uuid, $2, $2)",
            &[&user, &format!("member@{slug}.example")],
        )
        .map_err(|e| format!("creating the member of {slug}: {e}"))?;
        tx.execute(
            "INSERT INTO organization_members (organization_id, user_id) VALUES ($1::text::uuid, $2::text::uuid)",
            &[&id, &user],
        )
        .map_err(|e| format!("creating the membership of {slug}: {e}"))?;
    }
    tx.batch_execute("SET LOCAL ROLE app_user").map_err(|e| format!("SET ROLE app_user: {e}"))?;
    let mut lines = Vec::new();
    for (_, slug, code, user) in tenants {
        tx.execute("SELECT set_config('app.user_id', $1, true)", &[&user]).map_err(|e| format!("set user: {e}"))?;
        let orgs: Vec<String> = tx
            .query("SELECT slug::text FROM organizations ORDER BY slug", &[])
            .map_err(|e| format!("reading organizations as {slug}: {e}"))?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let projects: Vec<String> = tx
            .query("SELECT code::text FROM projects ORDER BY code", &[])
            .map_err(|e| format!("reading projects as {slug}: {e}"))?
            .iter()
            .map(|r| r.get(0))
            .collect();
        if orgs != [slug.to_string()] || projects != [code.to_string()] {
            return Err(format!(
                "isolation broken: as {slug}, app_user sees organizations {orgs:?}, projects {projects:?}"
            ));
        }
        lines.push(format!(
            "as app_user with app.user_id = the member of {slug}: sees organization {orgs:?} and {} project(s) {projects:?}; the other tenant's rows are invisible",
            projects.len()
        ));
    }
    tx.batch_execute("RESET app.user_id").map_err(|e| format!("RESET: {e}"))?;
    let none: i64 = tx
        .query_one("SELECT count(*) FROM projects", &[])
        .map_err(|e| format!("reading with no user set: {e}"))?
        .get(0);
    if none != 0 {
        return Err(format!("isolation broken: with no user set, app_user sees {none} project(s)"));
    }
    lines.push("as app_user with no user set: sees 0 projects (fail closed)".to_string());
    tx.rollback().map_err(|e| format!("rollback: {e}"))?;
    Ok(lines)
}
