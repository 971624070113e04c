//! Project tasks: `cargo xtask codegen [--check] [--spec PATH --out DIR [--name CRATE]]`, and the
//! checks and measurements listed in [`USAGE`].

mod against;
mod bench;
mod codegen;
mod contract;
mod examples;
mod features;
mod fuzz;
mod fuzz_runtime;
mod layers;
mod mutants;
mod new_user;
mod scale;
mod specs;
mod test_crate;
mod unions;

use std::process::ExitCode;

// Counts what each thread allocates: the runtime's fuzz cases are held to a bound with it.
#[global_allocator]
static ALLOCATOR: fuzz_runtime::alloc::Counting = fuzz_runtime::alloc::Counting;

const USAGE: &str = "usage:
  cargo xtask codegen                 regenerate generated/ from spec/openapi.yaml
  cargo xtask codegen --check         fail when generated/ is stale
  cargo xtask codegen --spec PATH --out DIR [--name CRATE] [apigen generate flags]
                                      generate a standalone crate from any document
                                      (`cargo run -p apigen -- generate --help` lists them)
  cargo xtask check-specs [--out DIR] [--no-check]
                                      generate every document of ../shared/specs and
                                      cargo check them all
  cargo xtask layers [--graph] [--root DIR]
                                      no import cycle between sibling modules of generator/src
                                      and runtime/src, the generator's stages importing one
                                      way only; --graph prints the module graph; --root checks
                                      another checkout
  cargo xtask fuzz [--seconds N] [--seed S] [--only generator|runtime] [--cases C]
                                      mutated documents through every stage of the
                                      generator, then everything in the runtime that reads
                                      server input (N seconds each); --cases C replays C
                                      cases from seed S
  cargo xtask mutants [--file PATH]... [--timeout S]
                                      cargo mutants on runtime files, one at a time, against
                                      the runtime's unit tests: caught, missed, timed out
                                      (not in CI; needs cargo install cargo-mutants)
  cargo xtask contract [--spec PATH | --all [--only STEM,…]]
                                      every operation of the generated client against the
                                      Prism mock server (installed from npm into target/prism);
                                      --all: every document of ../shared/specs, and a table
  cargo xtask examples (--spec PATH ... | --all) [--expect FILE] [--write-expected FILE] [--quiet | --verbose]
                                      every example payload of a document decoded into its
                                      generated type and encoded again; failures judged
                                      against the example's schema (jsonschema)
  cargo xtask new-user                install the apigen command and use it in an empty
                                      repository: config, overlay, generate, check, build
  cargo xtask check-features --spec PATH [--sample N] [--date-time chrono|time|string]
                                      generate with tag features; cargo check with all,
                                      none, and each tag feature alone (or N of them)
  cargo xtask bench [--spec PATH] [--runs N]
                                      generation, size, crate build/check time and memory,
                                      beside openapi-generator when installed
  cargo xtask bench --scale [--sizes 1000,4000,16000]
                                      generation time by stage and peak memory on synthetic
                                      documents (reference cycles, chains, alias chains)
  cargo xtask bench --against BIN [--spec PATH]... [--runs N]
                                      generation time of another apigen binary (an earlier
                                      build) and of this checkout's, alternating, in one run
  cargo xtask bench --unions [--test]
                                      criterion: 1,000 Qovery jobs (a oneOf) decoded by the
                                      generated client and by hand-written serde(tag)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => return codegen::run(&args[1..]),
        Some("check-specs") => specs::run(&args[1..]),
        Some("fuzz") => fuzz::cli(&args[1..]),
        Some("layers") => layers::run(&args[1..]),
        Some("mutants") => mutants::run(&args[1..]),
        Some("contract") => contract::run(&args[1..]),
        Some("examples") => examples::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("new-user") => new_user::run(&args[1..]),
        // One synthetic document for `bench --scale`, in a process of its own.
        Some("scale-one") => scale::one(&args[1..]),
        Some("check-features") => features::run(&args[1..]),
        Some("help" | "--help" | "-h") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown task `{other}`\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
