//! `apigen generate | check | list`: see [`apigen::cli`].

fn main() -> std::process::ExitCode {
    apigen::cli::main(std::env::args_os())
}
