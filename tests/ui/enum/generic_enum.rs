use tablewright::prelude::*;

#[db_enum]
pub enum Plan<T> {
    Free,
    Paid,
    #[doc(hidden)]
    _Marker(std::marker::PhantomData<T>),
}

fn main() {}
