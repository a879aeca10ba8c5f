//! The showcase schema: a task-management SaaS, written once in the DSL.
//!
//! Organizations are the tenants. Users are global and join organizations
//! through memberships with a role; viewers only read. Projects hold tasks;
//! tasks carry labels (a many-to-many junction), assignments and comments;
//! attachments hang off a task or a comment (a polymorphic link); the audit
//! log that tablewright adds for `#[audited]` entities records their changes.
//!
//! Who may do what (PostgreSQL row-level security, as the application role):
//! a member reads and writes the rows of their organizations, viewers only
//! read them, owners and admins delete; a user sees themselves and the
//! members of their organizations and edits only their own profile; only a
//! comment's author (or an admin) edits or deletes it.

use tablewright::prelude::*;

/// A customer account: the tenant every workspace row belongs to. Users see
/// the organizations they are members of; owners and admins may delete rows
/// and change memberships (row-level security's membership mode).
#[entity]
#[tenant(membership = OrganizationMember, role = role, admin_roles = ["owner", "admin"], read_only_roles = ["viewer"])]
#[soft_delete]
#[timestamps]
// Settings change rarely, one admin at a time: last write wins is acceptable.
#[allow_lint(missing_version)]
pub struct Organization {
    #[id]
    pub id: Uuid,
    /// Display name, e.g. "Acme Inc.".
    #[column(max_len = 200)]
    pub name: String,
    /// URL-safe handle, unique among live organizations.
    #[unique]
    #[column(max_len = 100, check = "slug = lower(slug)")]
    pub slug: String,
    #[default(Plan::Free)]
    pub plan: Plan,
    /// Free-form settings; the app validates their shape.
    #[default(sql = "'{}'")]
    pub settings: Json,
}

/// The subscription plan of an organization.
#[db_enum]
pub enum Plan {
    Free,
    Starter,
    Growth,
    Enterprise,
}

/// A person who can sign in. Users are global; memberships tie them to organizations.
#[entity]
#[global]
// A user sees themselves and the members of their organizations (the
// membership table's own policy limits the subquery to those).
#[policy(
    select,
    name = "self_and_fellow_members",
    using = "id = tw_current_user() OR id IN (SELECT user_id FROM organization_members)"
)]
// Sign-up: the new user's session creates their own row.
#[policy(insert, name = "sign_up", check = "id = tw_current_user()")]
#[policy(update, name = "own_profile", using = "id = tw_current_user()")]
#[timestamps]
#[audited]
// A user edits only their own profile.
#[allow_lint(missing_version)]
pub struct User {
    #[id]
    pub id: Uuid,
    #[unique]
    #[column(max_len = 320)]
    pub email: String,
    #[column(max_len = 200)]
    pub display_name: String,
    pub avatar_url: Option<String>,
    pub last_seen_at: Option<DateTime<Utc>>,
}

/// What a member may do in an organization.
#[db_enum]
pub enum MemberRole {
    /// Full control, including billing and deleting the organization.
    Owner,
    Admin,
    Member,
    /// Read-only access: sees the organization's rows, writes none.
    Viewer,
}

/// A user's membership of an organization, with their role there.
#[entity]
#[tenant_scoped]
#[timestamps]
#[unique(organization_id, user_id)]
// A role change is one admin action; memberships are otherwise inserted and deleted.
#[allow_lint(missing_version)]
pub struct OrganizationMember {
    #[id]
    pub id: Uuid,
    #[index]
    #[belongs_to(User, on_delete = cascade)]
    pub user_id: Uuid,
    #[default(MemberRole::Member)]
    pub role: MemberRole,
}

/// A body of work inside an organization.
#[entity]
#[tenant_scoped]
#[soft_delete]
#[timestamps]
#[userstamps(User)]
#[audited]
#[versioned]
#[unique(organization_id, code)]
pub struct Project {
    #[id]
    pub id: Uuid,
    #[column(max_len = 200)]
    pub name: String,
    /// Short key used in task references, e.g. "WEB" in "WEB-42".
    #[column(max_len = 10, check = "code = upper(code)")]
    pub code: String,
    pub description: Option<String>,
    /// The person answerable for the project; kept when they leave (set to NULL).
    #[index]
    #[belongs_to(User, on_delete = set_null)]
    pub lead_id: Option<Uuid>,
    pub archived_at: Option<DateTime<Utc>>,
}

/// Where a task is in its life.
#[db_enum]
pub enum TaskStatus {
    Backlog,
    Todo,
    InProgress,
    InReview,
    Done,
    Canceled,
}

#[db_enum]
pub enum TaskPriority {
    Low,
    Medium,
    High,
    Urgent,
}

/// A unit of work. Edited concurrently, so it is versioned: an update made
/// from a stale copy is rejected.
#[entity]
#[tenant_scoped]
#[soft_delete]
#[timestamps]
#[audited]
#[versioned]
#[index(project_id, status, where = "deleted_at IS NULL")]
#[index(due_date, where = "deleted_at IS NULL")]
#[index(project_id, include(title))]
#[index(created_at desc, where = "deleted_at IS NULL")]
pub struct Task {
    #[id]
    pub id: Uuid,
    #[belongs_to(Project, on_delete = cascade)]
    pub project_id: Uuid,
    /// The parent of a subtask.
    // Subtasks belong to their parent: deleting a task deletes its subtasks.
    #[allow_lint(nullable_fk_cascade)]
    #[index]
    #[belongs_to(Self, on_delete = cascade)]
    pub parent_id: Option<Uuid>,
    #[column(max_len = 500)]
    pub title: String,
    pub description: Option<String>,
    #[default(TaskStatus::Todo)]
    pub status: TaskStatus,
    #[default(TaskPriority::Medium)]
    pub priority: TaskPriority,
    pub due_date: Option<NaiveDate>,
    /// Order within its column on the board; fractional so a move touches one row.
    #[default(0.0)]
    pub position: f64,
    #[column(precision = 6, scale = 2, check = "estimate_hours >= 0")]
    pub estimate_hours: Option<Decimal>,
    #[index]
    #[belongs_to(User)]
    pub created_by_id: Uuid,
}

/// A colored tag for tasks, per organization.
#[entity]
#[tenant_scoped]
#[timestamps]
#[unique(organization_id, name)]
// A label is renamed or recolored by one person at a time.
#[allow_lint(missing_version)]
pub struct Label {
    #[id]
    pub id: Uuid,
    #[column(max_len = 50)]
    pub name: String,
    /// A CSS hex color such as '#6b7280'.
    #[column(max_len = 7, check = "color LIKE '#%'")]
    #[default("#6b7280")]
    pub color: String,
}

/// Which labels a task carries.
#[entity]
#[tenant_scoped]
#[many_to_many(Task, Label)]
pub struct TaskLabel {
    pub task_id: Uuid,
    pub label_id: Uuid,
}

/// Who works on a task.
#[entity]
#[tenant_scoped]
#[timestamps]
#[unique(task_id, user_id)]
// Assignments are inserted and deleted, never edited.
#[allow_lint(missing_version)]
pub struct TaskAssignment {
    #[id]
    pub id: Uuid,
    #[belongs_to(Task, on_delete = cascade)]
    pub task_id: Uuid,
    #[index]
    #[belongs_to(User, on_delete = cascade)]
    pub user_id: Uuid,
    #[index]
    #[belongs_to(User, on_delete = set_null)]
    pub assigned_by_id: Option<Uuid>,
}

/// A message in a task's discussion.
#[entity]
#[tenant_scoped]
#[soft_delete]
#[timestamps]
#[audited]
#[index(task_id, created_at)]
// A member comments in their own name; only the author or an admin edits or
// (soft-)deletes a comment.
#[policy(insert, name = "own_comment", check = "author_id = tw_current_user()")]
#[policy(
    update,
    delete,
    name = "author_or_admin",
    using = "author_id = tw_current_user() OR organization_id IN (SELECT tw_admin_tenants())"
)]
#[allow_lint(missing_version)]
pub struct Comment {
    #[id]
    pub id: Uuid,
    #[belongs_to(Task, on_delete = cascade)]
    pub task_id: Uuid,
    #[index]
    #[belongs_to(User)]
    pub author_id: Uuid,
    pub body: String,
    pub edited_at: Option<DateTime<Utc>>,
}

/// A file attached to a task or to a comment.
#[entity]
#[tenant_scoped]
#[timestamps]
// An attachment is immutable once uploaded.
#[allow_lint(missing_version)]
pub struct Attachment {
    #[id]
    pub id: Uuid,
    #[polymorphic(Task, Comment)]
    pub entity_id: Uuid,
    #[column(max_len = 255)]
    pub filename: String,
    #[column(max_len = 127)]
    pub content_type: String,
    #[column(check = "size_bytes >= 0")]
    pub size_bytes: i64,
    #[index]
    #[belongs_to(User)]
    pub uploaded_by_id: Uuid,
    /// SHA-256 of the content, when known.
    pub checksum: Option<Vec<u8>>,
}
