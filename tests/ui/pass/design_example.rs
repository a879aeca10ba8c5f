//! The DSL example of DESIGN.md section 2, with attributes above and below
//! `#[entity]`, and the targets its relations need.
use tablewright::prelude::*;
use tablewright::sea_query::{Expr, ExprTrait, PostgresQueryBuilder, Query};

/// Doc comments become COMMENT ON TABLE/COLUMN and TS/Python doc comments.
#[tenant]
#[entity]
#[soft_delete]
#[timestamps]
pub struct Organization {
    #[id]
    pub id: Uuid,
    pub name: String,
    #[unique]
    pub slug: String,
    #[default(Plan::Free)]
    pub plan: Plan,
    pub settings: Json,
}

#[db_enum]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    Free,
    Starter,
    Growth,
    Enterprise,
}

#[db_enum]
#[derive(Debug, PartialEq, Eq)]
pub enum TaskStatus {
    Todo,
    InProgress,
    Done,
}

#[entity]
#[tenant_scoped]
pub struct User {
    #[id]
    pub id: Uuid,
    #[unique]
    #[column(max_len = 320)]
    pub email: String,
}

#[entity]
#[tenant_scoped]
pub struct Project {
    #[id]
    pub id: Uuid,
    pub name: String,
}

#[entity]
#[tenant_scoped(Organization)]
pub struct Label {
    #[id]
    pub id: Uuid,
    pub name: String,
}

#[tenant_scoped]
#[soft_delete]
#[entity]
#[timestamps]
#[audited]
#[versioned]
#[index(project_id, status)]
#[index(due_date, where = "deleted_at IS NULL")]
#[index(project_id, include(title))]
#[index(created_at desc)]
pub struct Task {
    #[id]
    pub id: Uuid,
    #[belongs_to(Project, on_delete = cascade)]
    pub project_id: Uuid,
    #[column(max_len = 500)]
    pub title: String,
    pub description: Option<String>,
    #[default(TaskStatus::Todo)]
    pub status: TaskStatus,
    pub due_date: Option<DateTime<Utc>>,
    #[default(0.0)]
    pub position: f64,
    #[belongs_to(User)]
    pub created_by_id: Uuid,
}

#[entity]
#[tenant_scoped]
pub struct Comment {
    #[id]
    pub id: Uuid,
    #[belongs_to(Task, on_delete = cascade)]
    pub task_id: Uuid,
    #[belongs_to(Self, on_delete = set_null)]
    pub parent_id: Option<Uuid>,
    pub body: String,
}

#[many_to_many(Task, Label)]
#[entity]
pub struct TaskLabel {
    pub task_id: Uuid,
    pub label_id: Uuid,
}

#[entity]
#[tenant_scoped]
pub struct Attachment {
    #[id]
    pub id: Uuid,
    #[polymorphic(Task, Comment)]
    pub entity_id: Uuid,
    pub filename: String,
    pub size_bytes: i64,
}

fn main() {
    assert_eq!(Organization::TABLE, "organizations");
    assert_eq!(
        Organization::COLUMNS,
        &["id", "name", "slug", "plan", "settings", "created_at", "updated_at", "deleted_at"]
    );
    assert_eq!(Task::TABLE, "tasks");
    assert_eq!(
        Task::COLUMNS,
        &[
            "id", "organization_id", "project_id", "title", "description", "status", "due_date", "position",
            "created_by_id", "created_at", "updated_at", "deleted_at", "version",
        ]
    );
    assert_eq!(Task::PRIMARY_KEY, &["id"]);
    assert_eq!(TaskLabel::TABLE, "task_labels");
    assert_eq!(TaskLabel::COLUMNS, &["task_id", "label_id"]);
    assert_eq!(TaskLabel::PRIMARY_KEY, &["task_id", "label_id"]);
    assert_eq!(Attachment::COLUMNS, &["id", "organization_id", "entity_type", "entity_id", "filename", "size_bytes"]);
    assert_eq!(Label::COLUMNS, &["id", "organization_id", "name"]);

    // The added columns are fields, typed after what they hold.
    let org = Uuid::nil();
    let task = Task {
        id: Uuid::nil(),
        organization_id: org,
        project_id: Uuid::nil(),
        title: "Write the docs".into(),
        description: None,
        status: TaskStatus::Todo,
        due_date: None,
        position: 0.0,
        created_by_id: Uuid::nil(),
        created_at: Utc::now(),
        updated_at: Utc::now(),
        deleted_at: None,
        version: 1,
    };
    assert_eq!(task.version, 1);
    let attachment = Attachment {
        id: Uuid::nil(),
        organization_id: org,
        entity_type: "task".to_string(),
        entity_id: task.id,
        filename: "a.txt".into(),
        size_bytes: 1,
    };
    assert_eq!(attachment.entity_type, "task");

    // Keys: the key field's type; a tuple for a composite key.
    let key: <TaskLabel as Entity>::PrimaryKey = (Uuid::nil(), Uuid::nil());
    let _: <Task as Entity>::PrimaryKey = key.0;

    // Enums.
    assert_eq!(TaskStatus::VALUES, &["todo", "in_progress", "done"]);
    assert_eq!(TaskStatus::SQL_NAME, "task_status");
    assert_eq!(TaskStatus::InProgress.as_str(), "in_progress");
    assert_eq!(TaskStatus::from_str_value("done"), Some(TaskStatus::Done));
    assert_eq!(Plan::from_str_value("gold"), None);

    // The identifiers build queries against the migrated names.
    let sql = Query::select()
        .column(TaskIden::Title)
        .from(TaskIden::Table)
        .and_where(Expr::col(TaskIden::DeletedAt).is_null())
        .to_string(PostgresQueryBuilder);
    assert_eq!(sql, r#"SELECT "title" FROM "tasks" WHERE "deleted_at" IS NULL"#);
    assert_eq!(AttachmentIden::EntityType, AttachmentIden::EntityType);
}
