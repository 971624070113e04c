//! `cargo xtask codegen`: the document → a crate, or a check that the committed crate is current.

use std::path::{Path, PathBuf};
use std::time::Instant;

use apigen::{Generated, Options, RuntimeDependency};

/// The workspace root: xtask lives one level below it.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_owned()
}

#[derive(Debug, Default)]
pub struct Args {
    pub check: bool,
    pub spec: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub name: Option<String>,
    /// Each tag a cargo feature (`Options::tag_features`), for standalone crates.
    pub tag_features: bool,
}

impl Args {
    pub fn parse(args: &[String]) -> Result<Args, String> {
        let mut parsed = Args::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |flag: &str| {
                args.next()
                    .cloned()
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            match arg.as_str() {
                "--check" => parsed.check = true,
                "--spec" => parsed.spec = Some(value("--spec")?.into()),
                "--out" => parsed.out = Some(value("--out")?.into()),
                "--name" => parsed.name = Some(value("--name")?),
                "--tag-features" => parsed.tag_features = true,
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        if parsed.spec.is_some() != parsed.out.is_some() {
            return Err("--spec and --out go together".into());
        }
        if parsed.tag_features && parsed.spec.is_none() {
            return Err("--tag-features goes with --spec and --out: the committed crate has no features".into());
        }
        Ok(parsed)
    }
}

/// What to generate and where: the committed crate, or a standalone one.
pub struct Target {
    pub spec: PathBuf,
    pub out: PathBuf,
    pub options: Options,
}

pub fn target(args: &Args) -> Result<Target, String> {
    let root = workspace_root();
    match (&args.spec, &args.out) {
        (Some(spec), Some(out)) => {
            let runtime = root.join("runtime");
            let name = match &args.name {
                Some(name) => name.clone(),
                None => default_name(spec)?,
            };
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                return Err(format!("`{name}` is not a valid crate name"));
            }
            Ok(Target {
                spec: spec.clone(),
                out: out.clone(),
                options: Options {
                    standalone: true,
                    tag_features: args.tag_features,
                    ..Options::new(name, RuntimeDependency::Path(runtime.to_string_lossy().into_owned()))
                },
            })
        }
        _ => Ok(Target {
            spec: root.join("spec/openapi.yaml"),
            out: root.join("generated"),
            options: committed_options(),
        }),
    }
}

/// How the committed crate in `generated/` is generated.
pub fn committed_options() -> Options {
    Options::new("qovery-secrets", RuntimeDependency::Path("../runtime".into()))
}

fn default_name(spec: &Path) -> Result<String, String> {
    let stem = spec
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .ok_or_else(|| format!("{}: cannot name a crate after this path; pass --name", spec.display()))?;
    let name: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect();
    Ok(format!("{}-client", name.trim_matches('-')))
}

pub fn generate(target: &Target) -> Result<Generated, String> {
    if !target.spec.is_file() {
        return Err(format!("{}: no such file", target.spec.display()));
    }
    apigen::generate(&target.spec, &target.options).map_err(|e| e.to_string())
}

pub fn run(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    let target = target(args)?;
    let generated = generate(&target)?;
    for warning in &generated.warnings {
        println!("warning: {warning}");
    }
    let summary = format!(
        "{}: {} operations, {} types, {} warnings",
        target.spec.display(),
        generated.operations,
        generated.types,
        generated.warnings.len()
    );
    if args.check {
        let stale = apigen::write::check(&generated.files, &target.out).map_err(|e| e.to_string())?;
        if !stale.is_empty() {
            return Err(format!(
                "{} is stale: {} differ ({}); run `cargo xtask codegen`",
                target.out.display(),
                if stale.len() == 1 { "1 file".to_owned() } else { format!("{} files", stale.len()) },
                stale.join(", ")
            ));
        }
        println!("{summary}; {} is up to date ({:.2?})", target.out.display(), started.elapsed());
        return Ok(());
    }
    let report = apigen::write::write(&generated.files, &target.out).map_err(|e| e.to_string())?;
    println!("{summary}");
    for file in &report.written {
        println!("  wrote     {file}");
    }
    for file in &report.removed {
        println!("  removed   {file}");
    }
    println!(
        "{}: {} written, {} unchanged, {} removed in {:.2?}",
        target.out.display(),
        report.written.len(),
        report.unchanged.len(),
        report.removed.len(),
        started.elapsed()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As rust-analyzer does: regenerate in memory and fail when the committed crate differs.
    #[test]
    fn generated_crate_is_up_to_date() {
        let target = target(&Args::default()).unwrap();
        let generated = generate(&target).unwrap();
        let stale = apigen::write::check(&generated.files, &target.out).unwrap();
        assert!(stale.is_empty(), "generated/ is stale ({}); run `cargo xtask codegen`", stale.join(", "));
    }

    #[test]
    fn generating_twice_is_byte_identical() {
        let target = target(&Args::default()).unwrap();
        let first = generate(&target).unwrap().files;
        let second = generate(&target).unwrap().files;
        assert_eq!(first, second);
    }

    #[test]
    fn bad_arguments_are_refused() {
        let args = |a: &[&str]| Args::parse(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert!(args(&["--spec", "x.yaml"]).unwrap_err().contains("--spec and --out go together"));
        assert!(args(&["--bogus"]).unwrap_err().contains("unknown argument"));
        assert!(args(&["--out"]).unwrap_err().contains("needs a value"));
        let missing = args(&["--spec", "/nonexistent.yaml", "--out", "/tmp/x"]).unwrap();
        let err = generate(&target(&missing).unwrap()).unwrap_err();
        assert!(err.contains("no such file"), "{err}");
    }
}
