//! The build-speed benchmark of tablewright (`cargo run --release -p
//! tablewright-bench`, see docs/build-speed.md): [`synthetic`] writes
//! the schemas, the `build_speed` binary builds them and prints the figures.

pub mod synthetic;
