use tablewright::prelude::*;

#[entity]
pub struct Task {
    #[id]
    pub id: Uuid,
}

#[entity]
pub struct Comment {
    #[id]
    pub id: Uuid,
}

/// `..._id` fits in 63 bytes, but its type column `..._type` does not.
#[entity]
pub struct Attachment {
    #[id]
    pub id: Uuid,
    #[polymorphic(Task, Comment)]
    pub the_thing_this_attachment_was_uploaded_for_by_its_originals_id: Uuid,
}

fn main() {}
