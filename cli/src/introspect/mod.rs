//! Reading a live database back into [`tablewright_core::model::Schema`].
