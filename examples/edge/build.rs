fn main() {
    tablewright::build::Builder::new().run();
}
