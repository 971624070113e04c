//! `cargo xtask bench [--spec PATH] [--runs N] [--tag NAME] [--before DIR]`: generation time by
//! stage (median of N runs of a release build), what was generated, and how long the generated
//! crate alone takes to build and check (median of 3) with its dependencies already built and
//! checked; peak memory beside each. `--before DIR` measures a crate an earlier apigen generated
//! from the same document, in the same run, alternating with this one's (median of 5 each), for
//! a before/after. Then the same crate generated with tag features, built and checked with every feature and with one
//! tag alone (`--tag`, or the heaviest: most types, fields and variants). With `openapi-generator-cli`
//! (PyPI) on the PATH, the same figures for its Rust output, in the same run, and the ratios.
//! Figures are printed, never asserted.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use apigen::stages::Loaded;
use apigen::{Options, RuntimeDependency};

use crate::codegen::workspace_root;

struct Figures {
    name: &'static str,
    generate: Duration,
    generate_peak_kib: Option<u64>,
    lines: usize,
    bytes: usize,
    /// `None` when the crate does not build.
    build: Option<Duration>,
    build_peak_kib: Option<u64>,
    check: Option<Duration>,
    check_peak_kib: Option<u64>,
}

pub fn run(args: &[String]) -> Result<(), String> {
    if cfg!(debug_assertions) {
        // Generation is measured in a release build: run again as one.
        let status = Command::new(cargo())
            .args(["run", "--release", "-q", "-p", "xtask", "--", "bench"])
            .args(args)
            .current_dir(workspace_root())
            .status()
            .map_err(|e| e.to_string())?;
        return if status.success() { Ok(()) } else { Err(format!("bench failed ({status})")) };
    }
    match args.first().map(String::as_str) {
        Some("--scale") => return crate::scale::run(&args[1..]),
        Some("--unions") => return crate::unions::run(&args[1..]),
        Some("--against") => return crate::against::run(args),
        _ => {}
    }
    let mut spec = workspace_root().join("../shared/specs/qovery.yaml");
    let mut runs = 7;
    let mut tag = None;
    let mut before: Option<PathBuf> = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--spec" => spec = args.next().ok_or("--spec needs a path")?.into(),
            "--tag" => tag = Some(args.next().ok_or("--tag needs a feature name (a tag in kebab-case)")?.clone()),
            "--runs" => {
                runs =
                    args.next().and_then(|r| r.parse().ok()).filter(|r| *r >= 5).ok_or("--runs needs a number ≥ 5")?
            }
            // A crate generated from the same document by an earlier apigen: its build and check
            // are measured in this run too, for a before/after on the same machine and load.
            "--before" => before = Some(args.next().ok_or("--before needs the directory of a generated crate")?.into()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let out = workspace_root().join("target/bench");
    let (ours, earlier) = bench_ours(&spec, runs, &out, before.as_deref())?;
    let featured = bench_features(&spec, tag.as_deref(), &out)?;
    let theirs = bench_openapi_generator(&spec, runs)?;
    print(&spec, &ours, theirs.as_ref());
    if let (Some(dir), Some(earlier)) = (&before, earlier) {
        print_before(dir, earlier, &ours);
    }
    print_features(&featured);
    Ok(())
}

/// The crate from `--before` beside this generator's, with the ratios (after / before).
fn print_before(dir: &Path, (build, _, check, _): CrateTimes, ours: &Figures) {
    let secs = |v: Option<Duration>| v.map_or("does not build".to_owned(), |d| format!("{:.1} s", d.as_secs_f64()));
    let ratio = |after: Option<Duration>, before: Option<Duration>| match (after, before) {
        (Some(a), Some(b)) => format!("{:.2}", a.as_secs_f64() / b.as_secs_f64().max(1e-9)),
        _ => "n/a".to_owned(),
    };
    println!("\nbefore ({}) and now, same run:", dir.display());
    println!("| crate | build | check |");
    println!("| --- | ---: | ---: |");
    println!("| before | {} | {} |", secs(build), secs(check));
    println!("| now | {} | {} |", secs(ours.build), secs(ours.check));
    println!("| now / before | {} | {} |", ratio(ours.build, build), ratio(ours.check, check));
}

/// The crate generated with tag features: build and check with every feature, and with one tag.
struct FeatureFigures {
    /// The tag measured alone, with the operations and types it compiles.
    tag: String,
    tag_operations: usize,
    tag_types: usize,
    all_types: usize,
    all: CrateTimes,
    one: CrateTimes,
}

fn bench_features(spec: &Path, tag: Option<&str>, out: &Path) -> Result<FeatureFigures, String> {
    let runtime = RuntimeDependency::Path(workspace_root().join("runtime").to_string_lossy().into_owned());
    let options = Options { standalone: true, tag_features: true, ..Options::new("bench-features-client", runtime) };
    let err = |e: apigen::Error| e.to_string();
    let modelled = Loaded::read(spec, &options).and_then(Loaded::model).map_err(err)?;
    let api = modelled.api();
    // What one feature compiles: the types it gates in, and those always compiled.
    fn compiled<'a>(
        api: &'a apigen::model::Api,
        feature: &'a str,
    ) -> impl Iterator<Item = &'a apigen::model::TypeDef> + 'a {
        api.types().iter().filter(move |t| t.features.is_empty() || t.features.iter().any(|f| f == feature))
    }
    let compiled_types = |feature: &str| compiled(api, feature).count();
    // The cost of a type to the compiler grows with its fields and variants (each a piece of
    // serde's derived code), more than with the number of types.
    let weight = |feature: &str| -> usize {
        compiled(api, feature)
            .map(|t| {
                1 + match &t.kind {
                    apigen::model::TypeKind::Struct(s) => s.fields.len(),
                    apigen::model::TypeKind::Union(u) => u.variants.len(),
                    apigen::model::TypeKind::Enum(values) => values.len(),
                    apigen::model::TypeKind::IntEnum(values) => values.len(),
                    apigen::model::TypeKind::Alias(_) => 0,
                }
            })
            .sum()
    };
    let tag = match tag {
        Some(tag) if api.features.iter().any(|f| f == tag) => tag.to_owned(),
        Some(tag) => return Err(format!("no feature `{tag}`; the features are {}", api.features.join(", "))),
        None => api
            .features
            .iter()
            .max_by_key(|f| (weight(f), std::cmp::Reverse(f.as_str())))
            .cloned()
            .ok_or("the document has no tags, paths or webhooks to make features of")?,
    };
    let tag_operations = api.operations.iter().filter(|op| op.feature.as_deref() == Some(tag.as_str())).count();
    let (tag_types, all_types) = (compiled_types(&tag), api.types().len());
    let files = modelled.emit().format().map_err(err)?.files;
    let dir = out.join("apigen-features");
    let _ = std::fs::remove_dir_all(&dir);
    apigen::write::write(&files, &dir).map_err(err)?;
    let all = crate_only(&dir, &[])?;
    let one = crate_only(&dir, &["--no-default-features", "--features", &tag])?;
    Ok(FeatureFigures { tag, tag_operations, tag_types, all_types, all, one })
}

fn print_features(figures: &FeatureFigures) {
    let kib = |v: Option<u64>| v.map_or("n/a".to_owned(), |k| format!("{} MiB", k / 1024));
    let secs = |v: Option<Duration>| v.map_or("does not build".to_owned(), |d| format!("{:.1} s", d.as_secs_f64()));
    println!("\napigen with tag features (crate only, dependencies built, incremental off)");
    println!("| features | types compiled | crate build | peak | crate check | peak |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let (build, build_peak, check, check_peak) = figures.all;
    println!(
        "| all (default) | {} | {} | {} | {} | {} |",
        figures.all_types,
        secs(build),
        kib(build_peak),
        secs(check),
        kib(check_peak)
    );
    let (build, build_peak, check, check_peak) = figures.one;
    println!(
        "| `{}` alone ({} operations) | {} | {} | {} | {} | {} |",
        figures.tag,
        figures.tag_operations,
        figures.tag_types,
        secs(build),
        kib(build_peak),
        secs(check),
        kib(check_peak)
    );
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// With `before`, that crate is measured too, interleaved with this one's (below), and its
/// times come second.
fn bench_ours(
    spec: &Path,
    runs: usize,
    out: &Path,
    before: Option<&Path>,
) -> Result<(Figures, Option<CrateTimes>), String> {
    let runtime = RuntimeDependency::Path(workspace_root().join("runtime").to_string_lossy().into_owned());
    let options = Options { standalone: true, ..Options::new("bench-client", runtime) };
    let mut samples = Vec::new();
    let mut stages = Vec::new();
    let mut generated = None;
    for _ in 0..runs {
        let started = Instant::now();
        let result = apigen::generate(spec, &options).map_err(|e| e.to_string())?;
        samples.push(started.elapsed());
        stages.push(result.timings.clone());
        generated = Some(result);
    }
    let generated = generated.ok_or("no run")?;
    let dir = out.join("apigen");
    let _ = std::fs::remove_dir_all(&dir);
    let write_started = Instant::now();
    apigen::write::write(&generated.files, &dir).map_err(|e| e.to_string())?;
    let write = write_started.elapsed();
    let median_of = |f: &dyn Fn(&apigen::Timings) -> Duration| median(stages.iter().map(f).collect());
    println!(
        "apigen stages (median of {runs}): load {:.1?}, resolve {:.1?}, model {:.1?}, emit {:.1?}, format {:.1?}, write {:.1?}",
        median_of(&|t| t.load),
        median_of(&|t| t.resolve),
        median_of(&|t| t.model),
        median_of(&|t| t.emit),
        median_of(&|t| t.format),
        write
    );
    let (build, build_peak, check, check_peak, earlier) = match before {
        None => {
            let (build, build_peak, check, check_peak) = crate_only(&dir, &[])?;
            (build, build_peak, check, check_peak, None)
        }
        // Five rounds: a before/after ratio is what is read, and it needs steadier medians.
        Some(before) => match crate_times(&[&dir, before], &[], 5)?.as_slice() {
            [(build, build_peak, check, check_peak), earlier] => {
                (*build, *build_peak, *check, *check_peak, Some(*earlier))
            }
            _ => unreachable!("one figure per crate"),
        },
    };
    let figures = Figures {
        name: "apigen",
        generate: median(samples),
        generate_peak_kib: peak_rss_kib(),
        lines: generated.files.values().map(|f| f.lines().count()).sum(),
        bytes: generated.files.values().map(String::len).sum(),
        build,
        build_peak_kib: build_peak,
        check,
        check_peak_kib: check_peak,
    };
    Ok((figures, earlier))
}

fn bench_openapi_generator(spec: &Path, runs: usize) -> Result<Option<Figures>, String> {
    if Command::new("openapi-generator-cli").arg("version").output().is_err() {
        println!("openapi-generator-cli is not installed (pip install openapi-generator-cli): measuring apigen only");
        return Ok(None);
    }
    // Outside this repository: inside it, cargo would take the crate for a member of our workspace.
    let dir = std::env::temp_dir().join("apigen-bench-openapi-generator");
    let mut samples = Vec::new();
    let mut peak = None;
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(&dir);
        let started = Instant::now();
        let (status, rss) = measured(
            Command::new("openapi-generator-cli")
                .args(["generate", "-g", "rust", "--skip-validate-spec", "-i"])
                .arg(spec)
                .arg("-o")
                .arg(&dir)
                .args(["--additional-properties", "packageName=bench-openapi-generator,supportAsync=true"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null()),
        )?;
        if !status {
            return Err("openapi-generator-cli failed".into());
        }
        samples.push(started.elapsed());
        peak = peak.max(rss);
    }
    let (lines, bytes) = count(&dir.join("src"));
    let (build, build_peak, check, check_peak) = crate_only(&dir, &[])?;
    Ok(Some(Figures {
        name: "openapi-generator",
        generate: median(samples),
        generate_peak_kib: peak,
        lines,
        bytes,
        build,
        build_peak_kib: build_peak,
        check,
        check_peak_kib: check_peak,
    }))
}

/// Build time and peak memory, then check time and peak memory; `None` times when it does not build.
type CrateTimes = (Option<Duration>, Option<u64>, Option<Duration>, Option<u64>);

/// Builds and checks once to have every dependency ready, then times a full build and a full check of the
/// crate alone: its own artifacts removed (`cargo clean -p`), incremental compilation off, the
/// dependencies' kept. `None` times: the crate does not build as generated. `flags` choose
/// features (`--no-default-features --features x`) for every build and check.
fn crate_only(dir: &Path, flags: &[&str]) -> Result<CrateTimes, String> {
    Ok(crate_times(&[dir], flags, 3)?.remove(0))
}

/// [`crate_only`] for several crates, the median of `rounds`, one crate after the other within
/// each round: when another process loads the machine for a while, it slows every crate alike
/// instead of the one measured then, so their ratio holds.
fn crate_times(dirs: &[&Path], flags: &[&str], rounds: usize) -> Result<Vec<CrateTimes>, String> {
    let target = workspace_root().join("target/bench-target");
    let mut packages = Vec::new();
    for dir in dirs {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).map_err(|e| e.to_string())?;
        let package = manifest
            .lines()
            .find_map(|l| l.strip_prefix("name = "))
            .map(|n| n.trim_matches('"').to_owned())
            .ok_or("no package name")?;
        packages.push(package);
    }
    let cargo_in = |dir: &Path, args: &[&str]| {
        let mut command = Command::new(cargo());
        command.args(args);
        // `cargo clean` takes no feature flags.
        if args[0] != "clean" {
            command.args(flags);
        }
        command.arg("-q").current_dir(dir).env("CARGO_TARGET_DIR", &target).env("CARGO_INCREMENTAL", "0");
        command
    };
    let mut building = Vec::new();
    for dir in dirs {
        let first_build = cargo_in(dir, &["build", "--message-format=short"]).output().map_err(|e| e.to_string())?;
        if !first_build.status.success() {
            // Say why: the first errors and how many there are.
            let stderr = String::from_utf8_lossy(&first_build.stderr);
            let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
            println!("{} does not build as generated ({} error lines), first ones:", dir.display(), errors.len());
            for line in errors.iter().take(8) {
                println!("  {line}");
            }
            building.push(false);
            continue;
        }
        // `cargo check` works from the dependencies' metadata, which `cargo build` does not leave:
        // without this, the first timed check would include checking every dependency.
        measured(&mut cargo_in(dir, &["check"]))?;
        building.push(true);
    }
    // Each sample from scratch: one compile of a large crate varies by a second or more with
    // what else the machine does.
    // Per crate: its samples and its peak memory.
    type Samples = (Vec<Duration>, Option<u64>);
    let timed = |step: &str| -> Result<Vec<Samples>, String> {
        let mut samples = vec![(Vec::new(), None); dirs.len()];
        for _ in 0..rounds {
            for (i, (dir, package)) in dirs.iter().zip(&packages).enumerate().filter(|(i, _)| building[*i]) {
                measured(&mut cargo_in(dir, &["clean", "-p", package]))?;
                let started = Instant::now();
                let (_, rss) = measured(&mut cargo_in(dir, &[step]))?;
                samples[i].0.push(started.elapsed());
                samples[i].1 = samples[i].1.max(rss);
            }
        }
        Ok(samples)
    };
    let builds = timed("build")?;
    let checks = timed("check")?;
    Ok(builds
        .into_iter()
        .zip(checks)
        .zip(building)
        .map(|(((build, build_peak), (check, check_peak)), builds)| match builds {
            true => (Some(median(build)), build_peak, Some(median(check)), check_peak),
            false => (None, None, None, None),
        })
        .collect())
}

/// Runs a command; its peak memory comes from GNU time when the machine has it.
fn measured(command: &mut Command) -> Result<(bool, Option<u64>), String> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        let status = command.status().map_err(|e| e.to_string())?;
        return Ok((status.success(), None));
    }
    let report = std::env::temp_dir().join(format!("apigen-bench-{}.rss", std::process::id()));
    let mut wrapped = Command::new(time);
    wrapped.arg("-f").arg("%M").arg("-o").arg(&report).arg(command.get_program()).args(command.get_args());
    if let Some(dir) = command.get_current_dir() {
        wrapped.current_dir(dir);
    }
    for (key, value) in command.get_envs() {
        if let Some(value) = value {
            wrapped.env(key, value);
        }
    }
    // Tools' own chatter (openapi-generator logs every file) is not part of the figures.
    wrapped.stdout(std::process::Stdio::null());
    let status = wrapped.status().map_err(|e| e.to_string())?;
    let rss = std::fs::read_to_string(&report).ok().and_then(|t| t.lines().last()?.trim().parse().ok());
    Ok((status.success(), rss))
}

/// This process's peak resident memory, in KiB (Linux).
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn count(dir: &Path) -> (usize, usize) {
    let mut pending: Vec<PathBuf> = vec![dir.to_owned()];
    let (mut lines, mut bytes) = (0, 0);
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                lines += text.lines().count();
                bytes += text.len();
            }
        }
    }
    (lines, bytes)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

fn print(spec: &Path, ours: &Figures, theirs: Option<&Figures>) {
    let kib = |v: Option<u64>| v.map_or("n/a".to_owned(), |k| format!("{} MiB", k / 1024));
    let secs = |v: Option<Duration>| v.map_or("does not build".to_owned(), |d| format!("{:.1} s", d.as_secs_f64()));
    println!("\n{}", spec.display());
    println!("| tool | generate | peak | lines | bytes | crate build | peak | crate check | peak |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for f in std::iter::once(ours).chain(theirs) {
        println!(
            "| {} | {:.2} s | {} | {} | {} | {} | {} | {} | {} |",
            f.name,
            f.generate.as_secs_f64(),
            kib(f.generate_peak_kib),
            f.lines,
            f.bytes,
            secs(f.build),
            kib(f.build_peak_kib),
            secs(f.check),
            kib(f.check_peak_kib)
        );
    }
    if let Some(theirs) = theirs {
        let ratio = |a: Option<Duration>, b: Option<Duration>| match (a, b) {
            (Some(a), Some(b)) => format!("×{:.1}", b.as_secs_f64() / a.as_secs_f64().max(1e-9)),
            _ => "n/a".to_owned(),
        };
        println!(
            "openapi-generator / apigen: generate {}, build {}, check {}, lines ×{:.1}",
            ratio(Some(ours.generate), Some(theirs.generate)),
            ratio(ours.build, theirs.build),
            ratio(ours.check, theirs.check),
            theirs.lines as f64 / ours.lines.max(1) as f64
        );
    }
}
