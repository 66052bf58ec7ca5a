//! Prints a scenario's model size and its sensitivity work
//! (docs/limits.md).
fn main() {
    for path in std::env::args().skip(1) {
        let mut sources = pool_model::source::SourceMap::new();
        let s = pool_model::scenario::load(std::path::Path::new(&path), &mut sources)
            .expect("valid scenario");
        println!(
            "{path}: model size {}, sensitivity work {}",
            pool_model::uncertainty::model_size(&s),
            pool_model::uncertainty::sensitivity::work(&s)
        );
    }
}
