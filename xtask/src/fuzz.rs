//! `cargo xtask fuzz --seconds N`: mutated and arbitrary documents through every stage of the
//! generator. Each must end in `Ok` or in an error that says where; a panic is a failure, with
//! the seed that reproduces it.
//!
//! Mutations work on the parsed tree (replace a value with one of another type, drop a key,
//! point a `$ref` somewhere else, graft a subtree elsewhere), so most inputs get past the
//! parser and exercise resolve, model and emit; raw byte noise covers the parser too. Swagger
//! 2.0 documents (a fixture, whole and split over files) are mutated as often as one input in
//! four, with 2.0's own constructs among the replacements, since `load` rewrites them.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use apigen::stages::Loaded;
use apigen::{Error, Options, Pointer, RuntimeDependency};
use serde_json::Value;

use crate::codegen::workspace_root;

/// A small deterministic generator: a failing seed replays the same input.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// The documents mutations start from: the fixtures (2.0, 3.0, 3.1 and 3.2), our spec and the
/// small real documents of every version.
pub fn seeds() -> Vec<(PathBuf, Value)> {
    let root = workspace_root();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join("generator/tests/fixtures"))
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.push(root.join("spec/openapi.yaml"));
    for small in [
        "oai-petstore.yaml",
        "oai-petstore-expanded.yaml",
        "oai-tictactoe-31.yaml",
        "oai-webhook-example-31.yaml",
        "oai-non-oauth-scopes-31.yaml",
        "oai-tags-32.yaml",
        "sendgrid-mail.yaml",
    ] {
        paths.push(root.join("../shared/specs").join(small));
    }
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let value: Value = serde_yaml::from_str(&text).ok()?;
            Some((path, value))
        })
        .collect()
}

#[derive(Debug, Default)]
pub struct Report {
    pub runs: u64,
    pub generated: u64,
    pub refused: u64,
    /// (seed, panic message)
    pub panics: Vec<(u64, String)>,
    /// (seed, error) for errors that do not say where.
    pub unlocated: Vec<(u64, String)>,
}

pub fn run(budget: Duration, first_seed: u64) -> Report {
    let seeds = seeds();
    let split = Split::new("split", "openapi.yaml");
    let split_swagger2 = Split::new("split_swagger2", "swagger.yaml");
    let mut report = Report::default();
    let started = Instant::now();
    let previous_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let mut seed = first_seed;
    // A stack overflow aborts the process before any report: with this set, each seed is
    // printed before it is tried, so the last one printed is the culprit.
    let trace = std::env::var_os("APIGEN_FUZZ_TRACE").is_some();
    while started.elapsed() < budget && !seeds.is_empty() {
        seed = seed.wrapping_add(1);
        if trace {
            eprintln!("fuzz: seed {seed}");
        }
        // One input in eight goes through an overlay, one in eight is a split document (half of
        // them Swagger 2.0).
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| match seed % 16 {
            3 | 11 => one_overlaid(&seeds, seed),
            7 => split.as_ref().map_or(Ok(()), |split| split.one(seed)),
            15 => split_swagger2.as_ref().map_or(Ok(()), |split| split.one(seed)),
            _ => one(&seeds, seed),
        }));
        report.runs += 1;
        match outcome {
            Ok(Ok(())) => report.generated += 1,
            Ok(Err(error)) => {
                report.refused += 1;
                if !located(&error) {
                    report.unlocated.push((seed, error.to_string()));
                }
            }
            Err(payload) => {
                let message = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                report.panics.push((seed, message));
            }
        }
    }
    panic::set_hook(previous_hook);
    report
}

/// Errors must say where: a JSON pointer, or a line and column.
fn located(error: &Error) -> bool {
    match error {
        Error::Invalid { pointer, .. } => pointer.as_str().is_empty() || pointer.as_str().starts_with('/'),
        Error::Syntax { .. } | Error::Io { .. } => true,
        // The fuzzer makes no choices (default options, no configuration): such an error is a bug.
        Error::Config { .. } | Error::Options { .. } | Error::Internal { .. } => false,
    }
}

/// One input, built from `seed`, through every stage.
pub fn one(seeds: &[(PathBuf, Value)], seed: u64) -> Result<(), Error> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    // 2.0 seeds are few beside the 3.x fixtures: they get a quarter of the inputs of their own.
    let swagger2: Vec<&(PathBuf, Value)> = seeds.iter().filter(|(_, value)| is_swagger2(value)).collect();
    let (path, base) = match rng.below(4) {
        0 if !swagger2.is_empty() => swagger2[rng.below(swagger2.len())],
        _ => &seeds[rng.below(seeds.len())],
    };
    let document = if rng.below(10) == 0 {
        // Raw noise on the text: the parser's turn.
        let mut text = serde_yaml::to_string(base).unwrap_or_default().into_bytes();
        for _ in 0..=rng.below(8) {
            if text.is_empty() {
                break;
            }
            let at = rng.below(text.len());
            text[at] = (rng.next() & 0x7f) as u8;
        }
        apigen::load::parse(Path::new("fuzzed.yaml"), &String::from_utf8_lossy(&text))?
    } else {
        let mut value = base.clone();
        let pointers = all_pointers(&value);
        for _ in 0..=rng.below(4) {
            mutate(&mut value, &pointers, &mut rng);
        }
        apigen::load::from_value(path, value)?
    };
    through_the_rest(document)
}

fn is_swagger2(document: &Value) -> bool {
    document.get("swagger").is_some()
}

/// A seed document with a random overlay applied, then every stage.
pub fn one_overlaid(seeds: &[(PathBuf, Value)], seed: u64) -> Result<(), Error> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let (path, base) = &seeds[rng.below(seeds.len())];
    let mut document = base.clone();
    let pointers = all_pointers(&document);
    let mut actions = Vec::new();
    for _ in 0..=rng.below(4) {
        actions.push(random_action(&document, &pointers, &mut rng));
    }
    let version = ["1.0.0", "1.1.0", "1.1.0", "2.0.0"][rng.below(4)];
    let mut overlay =
        serde_json::json!({"overlay": version, "info": {"title": "t", "version": "1"}, "actions": actions});
    if rng.below(8) == 0 {
        // A broken overlay: the same checks, with the same care for where.
        let pointers = all_pointers(&overlay);
        mutate(&mut overlay, &pointers, &mut rng);
    }
    apigen::load::apply_overlay(Path::new("fuzzed-overlay.yaml"), &overlay, &mut document)?;
    let document = apigen::load::from_value(path, document)?;
    through_the_rest(document)
}

fn random_action(document: &Value, pointers: &[Pointer], rng: &mut Rng) -> Value {
    // A path to a node that exists, or one of a few shapes RFC 9535 allows (and one it does not).
    let target = match rng.below(3) {
        0 => {
            let pointer = &pointers[rng.below(pointers.len())];
            let mut path = String::from("$");
            for step in pointer.segments() {
                match step.parse::<usize>() {
                    Ok(index) => path.push_str(&format!("[{index}]")),
                    Err(_) => path.push_str(&format!("[{}]", Value::from(step))),
                }
            }
            path
        }
        _ => [
            "$",
            "$.paths",
            "$.paths.*",
            "$.paths.*.*",
            "$..properties",
            "$.components.schemas.*",
            "$..[?@.type == 'object']",
            "$.info.title",
            "$.tags",
            "$..required",
            "$.nothing",
            "$..*",
            "$[",
            "$..[?length(@) > 2]",
            "$.paths[-1:]",
        ][rng.below(15)]
        .to_owned(),
    };
    let value = document.pointer(pointers[rng.below(pointers.len())].as_str()).cloned().unwrap_or(Value::Null);
    match rng.below(5) {
        0 => serde_json::json!({"target": target, "remove": true}),
        1 => {
            let source = ["$.info", "$..properties", "$.paths.*", "$["][rng.below(4)];
            serde_json::json!({"target": target, "copy": source})
        }
        2 => {
            serde_json::json!({"target": target, "update": {"description": "d", "required": ["x"], "properties": {"x": {}}}})
        }
        _ => serde_json::json!({"target": target, "update": value}),
    }
}

/// A split fixture, copied to a folder of its own and changed there, one file at a time.
pub struct Split {
    dir: PathBuf,
    /// The root document, relative to the folder.
    root: &'static str,
    /// Each file, relative to the folder, and its tree.
    files: Vec<(PathBuf, Value)>,
}

impl Split {
    fn new(fixture: &str, root: &'static str) -> Option<Split> {
        fn collect(dir: &Path, relative: &Path, out: &mut Vec<(PathBuf, Value)>) {
            let Ok(entries) = std::fs::read_dir(dir) else { return };
            let mut entries: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            entries.sort();
            for path in entries {
                let Some(name) = path.file_name() else { continue };
                if path.is_dir() {
                    collect(&path, &relative.join(name), out);
                } else if let Some(value) =
                    std::fs::read_to_string(&path).ok().and_then(|t| serde_yaml::from_str(&t).ok())
                {
                    out.push((relative.join(name), value));
                }
            }
        }
        let mut files = Vec::new();
        collect(&workspace_root().join("generator/tests/fixtures").join(fixture), Path::new(""), &mut files);
        // One folder per instance: tests run side by side in one process.
        static INSTANCES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let instance = INSTANCES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("apigen-fuzz-{fixture}-{}-{instance}", std::process::id()));
        (!files.is_empty()).then_some(Split { dir, root, files })
    }

    /// Changes one file (its values, or a reference to a place in another file), writes them
    /// all, and reads the root through every stage.
    pub fn one(&self, seed: u64) -> Result<(), Error> {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let changed = rng.below(self.files.len());
        for (i, (relative, value)) in self.files.iter().enumerate() {
            let mut value = value.clone();
            if i == changed {
                let pointers = all_pointers(&value);
                for _ in 0..=rng.below(3) {
                    if rng.below(2) == 0 {
                        mutate(&mut value, &pointers, &mut rng);
                    } else {
                        let reference = self.reference_from(relative, &mut rng);
                        if let Some(slot) = value.pointer_mut(pointers[rng.below(pointers.len())].as_str()) {
                            *slot = serde_json::json!({ "$ref": reference });
                        }
                    }
                }
            }
            let path = self.dir.join(relative);
            if let Some(parent) = path.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let text = if relative.extension().is_some_and(|e| e == "json") {
                serde_json::to_string(&value).unwrap_or_default()
            } else {
                serde_yaml::to_string(&value).unwrap_or_default()
            };
            let _ = std::fs::write(&path, text);
        }
        Loaded::read(&self.dir.join(self.root), &options())?.model()?.emit().format()?;
        Ok(())
    }

    /// A reference written in `from` to a place (existing or not) in another file, or to no file.
    fn reference_from(&self, from: &Path, rng: &mut Rng) -> String {
        let (to, value) = &self.files[rng.below(self.files.len())];
        let up = "../".repeat(from.parent().map_or(0, |p| p.components().count()));
        let pointers = all_pointers(value);
        let pointer = &pointers[rng.below(pointers.len())];
        match rng.below(6) {
            0 => format!("{up}missing/{}", to.display()),
            1 => format!("{up}{}#/no/such/place", to.display()),
            2 => format!("https://x.test/{}", to.display()),
            3 => format!("{up}{}#anchor", to.display()),
            _ => format!("{up}{}{}", to.display(), pointer.to_ref()),
        }
    }
}

impl Drop for Split {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The fuzzer makes no choices: default options.
fn options() -> Options {
    Options { standalone: true, ..Options::new("fuzzed", RuntimeDependency::Path("../runtime".into())) }
}

/// The stages after loading, on a document the fuzzer loaded (and changed) itself.
fn through_the_rest(document: apigen::load::Document) -> Result<(), Error> {
    Loaded::from_document(document, &options()).model()?.emit().format()?;
    Ok(())
}

/// The pointer of every node of `value`, the root first, in document order.
fn all_pointers(value: &Value) -> Vec<Pointer> {
    fn walk(value: &Value, at: Pointer, out: &mut Vec<Pointer>) {
        out.push(at.clone());
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    walk(child, at.join(key), out);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, at.join(i), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, Pointer::root(), &mut out);
    out
}

fn mutate(value: &mut Value, pointers: &[Pointer], rng: &mut Rng) {
    let target = &pointers[rng.below(pointers.len())];
    let replacement = match rng.below(12) {
        // Swagger 2.0's own constructs, which `load` rewrites as 3.0.
        11 => {
            let elsewhere = pointers[rng.below(pointers.len())].to_ref();
            match rng.below(6) {
                0 => serde_json::json!({"in": "body", "name": "body", "schema": {"$ref": elsewhere}}),
                1 => serde_json::json!({"in": "formData", "name": "f", "type": "file", "required": true}),
                2 => serde_json::json!({"in": "query", "name": "q", "type": "array", "items": {"type": "string"},
                    "collectionFormat": (["csv", "ssv", "tsv", "pipes", "multi", "bogus"][rng.below(6)])}),
                3 => serde_json::json!({"type": "object", "x-nullable": true, "discriminator": "kind",
                    "required": ["kind"], "properties": {"kind": {"type": "string"}}}),
                4 => serde_json::json!({"description": "d", "schema": {"$ref": elsewhere},
                    "headers": {"X-Rate": {"type": "integer"}}, "examples": {"application/json": {"a": 1}}}),
                _ => {
                    serde_json::json!({"type": "oauth2", "flow": (["implicit", "password", "application", "accessCode", "other"][rng.below(5)]),
                    "tokenUrl": "https://x.test/token", "scopes": {"read": "r"}})
                }
            }
        }
        // JSON Schema 2020-12 as 3.1 documents write it, with references to anywhere.
        9 => {
            let elsewhere = pointers[rng.below(pointers.len())].to_ref();
            match rng.below(10) {
                0 => serde_json::json!({"type": ["string", "null"]}),
                1 => serde_json::json!({"type": ["integer", "string", "object"], "properties": {"a": {}}}),
                2 => {
                    let constant =
                        [Value::from("x"), Value::from(1), Value::Null, Value::Bool(true)][rng.below(4)].clone();
                    serde_json::json!({ "const": constant })
                }
                3 => serde_json::json!({"oneOf": [{"type": "null"}, {"$ref": elsewhere}]}),
                4 => serde_json::json!({"$ref": elsewhere, "description": "beside", "type": ["object", "null"]}),
                5 => {
                    serde_json::json!({"$dynamicRef": "#node", "$dynamicAnchor": "node", "$defs": {"node": {"$ref": elsewhere}}})
                }
                6 => {
                    serde_json::json!({"$id": "https://x.test/s", "$anchor": "a", "items": {"$ref": "#a"}, "prefixItems": [{}]})
                }
                7 => serde_json::json!({"$recursiveAnchor": true, "properties": {"r": {"$recursiveRef": "#"}}}),
                8 => {
                    serde_json::json!({"type": "integer", "oneOf": [{"title": "A", "const": 1}, {"title": "", "const": -1}]})
                }
                _ => {
                    serde_json::json!({"exclusiveMinimum": 1.5, "if": {}, "not": {}, "unevaluatedProperties": {"$ref": elsewhere}})
                }
            }
        }
        10 => Value::from(["2.0", "3.0.3", "3.1.0", "3.2.0", "query", "querystring", "null"][rng.below(7)]),
        0 => Value::Null,
        1 => Value::from(rng.next() as i64 % 1000),
        2 => {
            Value::from(["", "string", "object", "array", "integer", "uuid", "date-time", "self", "é/~"][rng.below(9)])
        }
        3 => Value::Bool(rng.below(2) == 0),
        4 => Value::Array(Vec::new()),
        5 => serde_json::json!({}),
        6 => serde_json::json!({"$ref": pointers[rng.below(pointers.len())].to_ref()}),
        7 => value.pointer(pointers[rng.below(pointers.len())].as_str()).cloned().unwrap_or(Value::Null),
        _ => {
            // Drop the key or element.
            if let (Some(parent), Some(last)) = (target.parent(), target.last()) {
                match value.pointer_mut(parent.as_str()) {
                    Some(Value::Object(map)) => {
                        map.shift_remove(&last);
                    }
                    Some(Value::Array(items)) => {
                        if let Ok(i) = last.parse::<usize>() {
                            if i < items.len() {
                                items.remove(i);
                            }
                        }
                    }
                    _ => {}
                }
            }
            return;
        }
    };
    if let Some(slot) = value.pointer_mut(target.as_str()) {
        *slot = replacement;
    }
}

pub fn cli(args: &[String]) -> Result<(), String> {
    let mut seconds = 60u64;
    let mut seed = 0u64;
    let mut only = None;
    let mut cases = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => seconds = args.next().and_then(|s| s.parse().ok()).ok_or("--seconds needs a number")?,
            "--seed" => seed = args.next().and_then(|s| s.parse().ok()).ok_or("--seed needs a number")?,
            "--cases" => cases = Some(args.next().and_then(|s| s.parse().ok()).ok_or("--cases needs a number")?),
            "--only" => only = Some(args.next().cloned().ok_or("--only needs generator or runtime")?),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    match (only.as_deref(), cases) {
        (Some("runtime"), Some(cases)) => return crate::fuzz_runtime::replay(seed, cases),
        (Some("runtime"), None) => return crate::fuzz_runtime::cli(seconds, seed),
        (Some("generator") | None, _) => {}
        (Some(other), _) => return Err(format!("--only takes generator or runtime, not `{other}`")),
    }
    let generator = generator(seconds, seed);
    if only.is_some() {
        return generator;
    }
    let runtime = crate::fuzz_runtime::cli(seconds, seed);
    generator.and(runtime)
}

/// The generator's fuzzing, reported.
fn generator(seconds: u64, seed: u64) -> Result<(), String> {
    let report = run(Duration::from_secs(seconds), seed);
    println!(
        "{} inputs in {seconds} s: {} generated, {} refused with an error, {} panics, {} errors without a location",
        report.runs,
        report.generated,
        report.refused,
        report.panics.len(),
        report.unlocated.len()
    );
    for (seed, message) in report.panics.iter().take(10) {
        println!("panic (replay with --seed {}): {message}", seed - 1);
    }
    for (seed, message) in report.unlocated.iter().take(10) {
        println!("unlocated error (replay with --seed {}): {message}", seed - 1);
    }
    if report.panics.is_empty() && report.unlocated.is_empty() {
        Ok(())
    } else {
        Err("the generator panicked or gave an error without a location".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Overlays and split documents, changed at random, reach generation as often as they are
    /// refused, and never panic (`run` catches panics; here one would fail the test).
    #[test]
    fn overlaid_and_split_inputs_are_generated_or_refused() {
        let seeds = seeds();
        let split = Split::new("split", "openapi.yaml").expect("the split fixture");
        let (mut overlaid, mut split_ok, mut split_refused) = ((0, 0), 0, 0);
        for seed in 0..300 {
            match one_overlaid(&seeds, seed) {
                Ok(()) => overlaid.0 += 1,
                Err(_) => overlaid.1 += 1,
            }
            if seed < 120 {
                match split.one(seed) {
                    Ok(()) => split_ok += 1,
                    Err(_) => split_refused += 1,
                }
            }
        }
        assert!(overlaid.0 > 0 && overlaid.1 > 0, "{overlaid:?}");
        assert!(split_ok > 0 && split_refused > 0, "{split_ok} {split_refused}");
    }

    /// Swagger 2.0 inputs, whole and split, changed at random with 2.0's constructs among the
    /// replacements, are generated or refused with an error that says where.
    #[test]
    fn mutated_swagger2_documents_are_generated_or_refused_with_a_location() {
        let seeds: Vec<_> = seeds().into_iter().filter(|(_, value)| is_swagger2(value)).collect();
        assert!(!seeds.is_empty(), "a Swagger 2.0 fixture among the seeds");
        let split = Split::new("split_swagger2", "swagger.yaml").expect("the split 2.0 fixture");
        let (mut generated, mut refused) = (0, 0);
        for seed in 0..160 {
            let outcomes = [one(&seeds, seed), if seed < 60 { split.one(seed) } else { Ok(()) }];
            for outcome in outcomes {
                match outcome {
                    Ok(()) => generated += 1,
                    Err(error) => {
                        assert!(located(&error), "seed {seed}: {error}");
                        refused += 1;
                    }
                }
            }
        }
        assert!(generated > 0 && refused > 0, "{generated} generated, {refused} refused");
    }

    /// A bounded run in every `cargo test`; `cargo xtask fuzz --seconds N` for longer ones.
    #[test]
    fn mutated_documents_never_panic_and_errors_say_where() {
        let report = run(Duration::from_secs(20), 0);
        assert!(report.runs > 100, "{report:?}");
        assert!(report.generated > 0 && report.refused > 0, "{report:?}");
        assert!(report.panics.is_empty(), "panics: {:?}", &report.panics[..report.panics.len().min(5)]);
        assert!(report.unlocated.is_empty(), "{:?}", &report.unlocated[..report.unlocated.len().min(5)]);
    }
}
