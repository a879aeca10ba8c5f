//! The attribute macros of tablewright. (Being written.)
use proc_macro::TokenStream;

macro_rules! passthrough {
    ($($name:ident),*) => {$(
        #[proc_macro_attribute]
        pub fn $name(_args: TokenStream, item: TokenStream) -> TokenStream { item }
    )*};
}
passthrough!(entity, db_enum, tenant, tenant_scoped, soft_delete, timestamps, audited, versioned, index, unique, check, many_to_many);
