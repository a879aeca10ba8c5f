//! Table and column overrides, integer keys, skipped fields, declared
//! cross-cutting columns and self references, without a tenant.
use tablewright::prelude::*;

#[entity(table = "folks")]
#[versioned]
pub struct Person {
    #[id(auto)]
    pub id: i64,
    #[column(name = "full_name", max_len = 200)]
    pub name: String,
    #[belongs_to(Self, on_delete = set_null)]
    pub manager_id: Option<i64>,
    #[column(precision = 10, scale = 2)]
    pub salary: Option<Decimal>,
    pub avatar: Vec<u8>,
    pub born_on: Option<NaiveDate>,
    /// Declared by hand: kept as written, not added twice.
    pub version: i32,
    #[skip]
    pub cache: Vec<u32>,
}

#[entity]
#[timestamps]
pub struct Badge {
    #[id(cuid)]
    pub id: String,
    #[belongs_to(Person, on_delete = cascade)]
    pub person_id: i64,
    pub tags: Vec<String>,
    pub data: Json,
}

fn main() {
    assert_eq!(Person::TABLE, "folks");
    assert_eq!(
        Person::COLUMNS,
        &["id", "full_name", "manager_id", "salary", "avatar", "born_on", "version"]
    );
    assert_eq!(PersonIden::FullName, PersonIden::FullName);
    let p = Person {
        id: 1,
        name: "Ada".into(),
        manager_id: None,
        salary: None,
        avatar: vec![],
        born_on: None,
        version: 1,
        cache: vec![],
    };
    let _: <Person as Entity>::PrimaryKey = p.id;
    assert_eq!(Badge::COLUMNS, &["id", "person_id", "tags", "data", "created_at", "updated_at"]);
    let _: <Badge as Entity>::PrimaryKey = String::new();
}
