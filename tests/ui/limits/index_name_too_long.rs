use tablewright::prelude::*;

#[entity]
#[index(email, name = "idx_users_email_lookup_for_the_login_form_and_the_password_reset")]
pub struct User {
    #[id]
    pub id: Uuid,
    pub email: String,
}

fn main() {}
