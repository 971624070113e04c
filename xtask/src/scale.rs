//! `cargo xtask bench --scale`: does generation grow linearly with the document?
//!
//! Synthetic documents of 1,000, 4,000 and 16,000 operations, each operation returning its own
//! schema, in three shapes:
//! - `cycle`: every schema refers to the next and the last to the first (one reference cycle
//!   through every schema, so every type is recursive);
//! - `chains`: the same in chains of 8 schemas, no cycle;
//! - `aliases`: one chain of `$ref` aliases through every schema (`A0 → A1 → … → object`).
//!
//! Each document is generated in a process of its own (peak memory is per process), and the
//! time of each stage, the peak memory and the cost per operation are printed. Printed, never
//! asserted.

use std::path::PathBuf;
use std::process::Command;

use apigen::Pointer;
use serde_json::{json, Map, Value};

use crate::bench::peak_rss_kib;
use crate::codegen::workspace_root;

const SIZES: [usize; 3] = [1_000, 4_000, 16_000];
const SHAPES: [&str; 3] = ["cycle", "chains", "aliases"];

pub fn run(args: &[String]) -> Result<(), String> {
    let mut sizes = SIZES.to_vec();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sizes" => {
                let list = args.next().ok_or("--sizes needs a list such as 1000,4000")?;
                sizes = list
                    .split(',')
                    .map(|n| n.trim().parse::<usize>().map_err(|_| format!("`{n}` is not a size")))
                    .collect::<Result<_, _>>()?;
            }
            other => return Err(format!("unknown argument `{other}` for --scale")),
        }
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    println!(
        "{:<8} {:>7} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9} {:>9} {:>8}",
        "shape", "ops", "load", "resolve", "model", "emit", "format", "total", "µs/op", "peak"
    );
    for shape in SHAPES {
        for &size in &sizes {
            // Written here, so that the measured process only reads it.
            let path = write_document(shape, size)?;
            let output = Command::new(&exe)
                .arg("scale-one")
                .arg(&path)
                .current_dir(workspace_root())
                .output()
                .map_err(|e| e.to_string())?;
            if !output.status.success() {
                return Err(format!("{shape} {size}: {}", String::from_utf8_lossy(&output.stderr).trim()));
            }
            let line = String::from_utf8_lossy(&output.stdout);
            let figures: Value =
                serde_json::from_str(line.trim()).map_err(|e| format!("{shape} {size}: {e}: {line}"))?;
            let seconds = |key: &str| figures[key].as_f64().unwrap_or(f64::NAN);
            println!(
                "{shape:<8} {size:>7} {:>7.2}s {:>7.2}s {:>7.2}s {:>7.2}s {:>7.2}s {:>8.2}s {:>9.0} {:>6} MiB",
                seconds("load"),
                seconds("resolve"),
                seconds("model"),
                seconds("emit"),
                seconds("format"),
                seconds("total"),
                seconds("total") * 1e6 / size as f64,
                figures["peak_kib"].as_u64().map_or("?".into(), |k| (k / 1024).to_string()),
            );
        }
    }
    Ok(())
}

/// Writes the synthetic document to `target/scale/{shape}-{size}.json`.
fn write_document(shape: &str, size: usize) -> Result<PathBuf, String> {
    let document = document(shape, size)?;
    let dir = workspace_root().join("target/scale");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join(format!("{shape}-{size}.json"));
    std::fs::write(&path, serde_json::to_vec(&document).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    Ok(path)
}

/// One document through the pipeline, in this process; prints its figures as one JSON line.
pub fn one(args: &[String]) -> Result<(), String> {
    let [path] = args else { return Err("scale-one DOCUMENT".into()) };
    let path = PathBuf::from(path);
    let size = std::fs::read_to_string(&path).map_err(|e| e.to_string())?.matches("\"operationId\"").count();
    let runtime = apigen::RuntimeDependency::Path("../runtime".into());
    let started = std::time::Instant::now();
    let generated = apigen::generate(&path, &apigen::Options::new("scale", runtime)).map_err(|e| e.to_string())?;
    let total = started.elapsed();
    if generated.operations != size {
        return Err(format!("{} operations generated, {size} expected", generated.operations));
    }
    let t = &generated.timings;
    println!(
        "{}",
        json!({
            "load": t.load.as_secs_f64(), "resolve": t.resolve.as_secs_f64(), "model": t.model.as_secs_f64(),
            "emit": t.emit.as_secs_f64(), "format": t.format.as_secs_f64(), "total": total.as_secs_f64(),
            "peak_kib": peak_rss_kib(), "types": generated.types,
        })
    );
    Ok(())
}

/// A synthetic document of `size` operations and `size` schemas in the given shape.
pub fn document(shape: &str, size: usize) -> Result<Value, String> {
    let mut schemas = Map::new();
    let mut paths = Map::new();
    for i in 0..size {
        let schema = match shape {
            "cycle" => object(Some((i + 1) % size)),
            "chains" => object(((i + 1) % 8 != 0 && i + 1 < size).then_some(i + 1)),
            "aliases" if i + 1 < size => json!({ "$ref": schema_ref(i + 1) }),
            "aliases" => object(None),
            other => return Err(format!("unknown shape `{other}` (cycle, chains, aliases)")),
        };
        schemas.insert(format!("Schema{i}"), schema);
        paths.insert(
            format!("/resources{i}/{{id}}"),
            json!({
                "get": {
                    "operationId": format!("getResource{i}"),
                    "tags": [format!("Tag{}", i % 50)],
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
                    "responses": {
                        "200": {
                            "description": "The resource",
                            "content": { "application/json": { "schema": { "$ref": schema_ref(i) } } }
                        },
                        "404": { "description": "Not found" }
                    }
                }
            }),
        );
    }
    Ok(json!({
        "openapi": "3.0.3",
        "info": { "title": format!("Synthetic {shape} API"), "version": "1" },
        "paths": paths,
        "components": { "schemas": schemas },
    }))
}

/// The `$ref` to schema `i` (`#/components/schemas/Schema{i}`).
fn schema_ref(i: usize) -> String {
    Pointer::from_segments(["components", "schemas"]).join(format_args!("Schema{i}")).to_ref()
}

fn object(next: Option<usize>) -> Value {
    let mut properties = json!({
        "id": { "type": "string", "format": "uuid" },
        "name": { "type": "string", "description": "What it is called." },
        "count": { "type": "integer", "format": "int64" },
    });
    if let Some(next) = next {
        properties["next"] = json!({ "$ref": schema_ref(next) });
    }
    json!({ "type": "object", "required": ["id"], "properties": properties })
}
