//! A hand-built, already transformed schema that exercises every column type,
//! default kind, index shape, a self reference, a reference cycle, reserved
//! words and quotes in doc comments.

use crate::model::*;

fn loc(line: usize) -> Location {
    Location { file: "src/schema.rs".into(), line, column: 5 }
}

pub(crate) fn col(name: &str, ty: ColumnType) -> Column {
    Column { location: loc(1), ..Column::new(name, ty) }
}

fn null(mut c: Column) -> Column {
    c.nullable = true;
    c
}

fn with_default(mut c: Column, d: DefaultValue) -> Column {
    c.default = Some(d);
    c
}

fn fk(table: &str, cols: &[&str], target: &str, target_table: &str, on_delete: ReferentialAction) -> ForeignKey {
    let names: Vec<&str> = cols.to_vec();
    ForeignKey {
        name: crate::naming::constraint_name("fk", table, &names),
        columns: cols.iter().map(|c| c.to_string()).collect(),
        target: target.into(),
        target_table: target_table.into(),
        target_columns: vec!["id".into()],
        on_delete,
        on_update: ReferentialAction::NoAction,
        origin: ColumnOrigin::Declared,
        deferrable: false,
        location: loc(2),
    }
}

pub(super) fn index(table: &str, cols: &[(&str, bool)], unique: bool) -> Index {
    let names: Vec<&str> = cols.iter().map(|(c, _)| *c).collect();
    Index {
        name: crate::naming::constraint_name(if unique { "uq" } else { "idx" }, table, &names),
        columns: cols.iter().map(|(c, desc)| IndexColumn { name: c.to_string(), desc: *desc }).collect(),
        unique,
        predicate: None,
        include: vec![],
        origin: ColumnOrigin::Declared,
        location: loc(3),
    }
}

fn check(name: &str, expr: &str) -> Check {
    Check { name: name.into(), expr: expr.into(), origin: ColumnOrigin::Declared, location: loc(4) }
}

pub(super) fn entity(name: &str, table: &str, columns: Vec<Column>, pk: &[&str]) -> Entity {
    Entity { location: loc(10), ..Entity::new(name, table, columns, pk) }
}

pub(super) fn uuid_id() -> Column {
    let mut id = col("id", ColumnType::Uuid);
    id.generated = Generated::RandomUuid;
    id
}

fn variants(values: &[&str]) -> Vec<EnumVariant> {
    values.iter().map(|v| EnumVariant { name: crate::naming::snake_case(v), value: v.to_string(), doc: None }).collect()
}

/// The fixture schema, normalized.
pub(crate) fn schema() -> Schema {
    let enums = vec![
        EnumType {
            name: "TaskStatus".into(),
            sql_name: "task_status".into(),
            variants: variants(&["todo", "in_progress", "done"]),
            doc: Some("Where a task is; it's \"workflow\" state.".into()),
            location: loc(20),
        },
        // A reserved word as a type name.
        EnumType {
            name: "Group".into(),
            sql_name: "group".into(),
            variants: variants(&["admin", "member"]),
            doc: None,
            location: loc(21),
        },
    ];

    let mut orgs = entity(
        "Organization",
        "organizations",
        vec![
            uuid_id(),
            col("name", ColumnType::String),
            col("slug", ColumnType::String),
            null(col("deleted_at", ColumnType::DateTimeUtc)),
        ],
        &["id"],
    );
    orgs.doc = Some("A customer.\n\nOwns everything else.".into());
    let mut slug = index("organizations", &[("slug", false)], true);
    slug.predicate = Some("deleted_at IS NULL".into());
    orgs.indexes.push(slug);

    // A reserved table name with every column type and default kind.
    let mut user_id = col("id", ColumnType::I64);
    user_id.generated = Generated::Identity;
    let mut email = col("email", ColumnType::String);
    email.max_len = Some(320);
    let mut bio =
        with_default(null(col("bio", ColumnType::String)), DefaultValue::String(r"it's a \ backslash".into()));
    bio.doc = Some("What they say about themselves: \"hi\", it's 'quoted'.".into());
    let mut balance = with_default(col("balance", ColumnType::Decimal), DefaultValue::Int(0));
    balance.precision = Some(12);
    balance.scale = Some(2);
    let mut code = with_default(col("code", ColumnType::String), DefaultValue::Sql("lower('ABC')".into()));
    code.max_len = Some(20);
    let mut order = with_default(col("order", ColumnType::I32), DefaultValue::Int(0));
    order.doc = Some("Sort order.".into());
    let mut user = entity(
        "User",
        "user",
        vec![
            user_id,
            col("organization_id", ColumnType::Uuid),
            email,
            order,
            with_default(col("group", ColumnType::Enum("Group".into())), DefaultValue::EnumValue("member".into())),
            with_default(col("is_admin", ColumnType::Bool), DefaultValue::Bool(false)),
            with_default(col("active", ColumnType::Bool), DefaultValue::Bool(true)),
            with_default(col("score", ColumnType::F64), DefaultValue::Float("1.5".into())),
            with_default(col("ratio", ColumnType::F32), DefaultValue::Float("0.25".into())),
            with_default(col("small", ColumnType::I16), DefaultValue::Int(-1)),
            bio,
            balance,
            col("price", ColumnType::Decimal),
            code,
            with_default(col("settings", ColumnType::Json), DefaultValue::String("{}".into())),
            null(col("tags", ColumnType::StringArray)),
            null(col("avatar", ColumnType::Bytes)),
            with_default(col("created_at", ColumnType::DateTimeUtc), DefaultValue::Now),
            with_default(col("seen_at", ColumnType::NaiveDateTime), DefaultValue::Now),
            with_default(col("joined_on", ColumnType::NaiveDate), DefaultValue::Now),
            null(col("wake_time", ColumnType::NaiveTime)),
            null(col("manager_id", ColumnType::I64)),
        ],
        &["id"],
    );
    user.doc = Some("A person's login; \"user\" is reserved.".into());
    user.foreign_keys.push(fk(
        "user",
        &["organization_id"],
        "Organization",
        "organizations",
        ReferentialAction::Cascade,
    ));
    user.foreign_keys.push(fk("user", &["manager_id"], "User", "user", ReferentialAction::SetNull));
    user.indexes.push(index("user", &[("organization_id", false)], false));
    user.indexes.push(index("user", &[("email", false)], true));
    user.checks.push(check("ck_user_score", "score >= 0"));

    let mut tasks = entity(
        "Task",
        "tasks",
        vec![
            uuid_id(),
            col("organization_id", ColumnType::Uuid),
            null(col("project_id", ColumnType::Uuid)),
            {
                let mut t = col("title", ColumnType::String);
                t.max_len = Some(200);
                t
            },
            null(col("description", ColumnType::String)),
            with_default(col("status", ColumnType::Enum("TaskStatus".into())), DefaultValue::EnumValue("todo".into())),
            null(col("due_date", ColumnType::DateTimeUtc)),
            with_default(col("position", ColumnType::F64), DefaultValue::Float("0.0".into())),
            col("created_by_id", ColumnType::I64),
            null(col("deleted_at", ColumnType::DateTimeUtc)),
            with_default(col("updated_at", ColumnType::DateTimeUtc), DefaultValue::Now),
            with_default(col("version", ColumnType::I32), DefaultValue::Int(1)),
        ],
        &["id"],
    );
    tasks.foreign_keys.push(fk(
        "tasks",
        &["organization_id"],
        "Organization",
        "organizations",
        ReferentialAction::Cascade,
    ));
    tasks.foreign_keys.push(fk("tasks", &["project_id"], "Project", "projects", ReferentialAction::SetNull));
    tasks.foreign_keys.push(fk("tasks", &["created_by_id"], "User", "user", ReferentialAction::Restrict));
    tasks.indexes.push(index("tasks", &[("organization_id", false), ("status", false)], false));
    let mut due = index("tasks", &[("due_date", false)], false);
    due.predicate = Some("deleted_at IS NULL".into());
    tasks.indexes.push(due);
    let mut covering = index("tasks", &[("created_by_id", false)], false);
    covering.include = vec!["title".into()];
    tasks.indexes.push(covering);
    tasks.indexes.push(index("tasks", &[("updated_at", true)], false));
    let mut uq = index("tasks", &[("organization_id", false), ("title", false)], true);
    uq.predicate = Some("deleted_at IS NULL".into());
    tasks.indexes.push(uq);
    tasks.checks.push(check("ck_tasks_position", "position >= 0"));

    // A composite key.
    let mut label = col("label", ColumnType::String);
    label.max_len = Some(50);
    let mut task_labels =
        entity("TaskLabel", "task_labels", vec![col("task_id", ColumnType::Uuid), label], &["task_id", "label"]);
    task_labels.foreign_keys.push(fk("task_labels", &["task_id"], "Task", "tasks", ReferentialAction::Cascade));

    // A reference cycle: projects <-> teams.
    let mut projects = entity("Project", "projects", vec![uuid_id(), col("team_id", ColumnType::Uuid)], &["id"]);
    projects.foreign_keys.push(fk("projects", &["team_id"], "Team", "teams", ReferentialAction::Cascade));
    let mut teams = entity("Team", "teams", vec![uuid_id(), null(col("lead_project_id", ColumnType::Uuid))], &["id"]);
    teams.foreign_keys.push(fk("teams", &["lead_project_id"], "Project", "projects", ReferentialAction::SetNull));

    let mut schema = Schema::new(enums, vec![user, tasks, orgs, task_labels, projects, teams]);
    schema.normalize();
    schema
}
