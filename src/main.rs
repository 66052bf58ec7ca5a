fn main() -> std::process::ExitCode {
    pool_model::cli::main()
}
