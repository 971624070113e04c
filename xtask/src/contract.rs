//! `cargo xtask contract`: the generated client against the Prism mock server, an independent
//! validator of requests and responses. Prism is installed from the npm registry into
//! `target/prism` (once) and started on the document with request validation.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::codegen::workspace_root;

const PRISM: &str = "@stoplight/prism-cli@5.16.0";
const PORT: u16 = 4010;

/// Kills Prism however the run ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(other) = args.first() {
        return Err(format!(
            "unknown argument `{other}` (only spec/openapi.yaml has a contract test so far)"
        ));
    }
    let root = workspace_root();
    let prism_dir = root.join("target/prism");
    let prism = prism_dir.join("node_modules/.bin/prism");
    if !prism.exists() {
        install(&prism_dir)?;
    }
    let log = std::fs::File::create(prism_dir.join("prism.log")).map_err(|e| e.to_string())?;
    let child = Command::new(&prism)
        .args(["mock", "--host", "127.0.0.1", "--port", &PORT.to_string()])
        .arg(root.join("spec/openapi.yaml"))
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", prism.display()))?;
    let _running = Running(child);
    wait_for_port(PORT, Duration::from_secs(60))?;
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["test", "-p", "integration-tests", "--test", "contract", "--", "--ignored"])
        .env("PRISM_URL", format!("http://127.0.0.1:{PORT}"))
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("contract test failed; Prism's log: {}", prism_dir.join("prism.log").display()));
    }
    Ok(())
}

fn install(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    println!("installing {PRISM} into {}", dir.display());
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(dir)
        .arg(PRISM)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run npm (Node.js is needed for Prism): {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("npm install {PRISM} failed ({status})"))
    }
}

fn wait_for_port(port: u16, limit: Duration) -> Result<(), String> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Err(format!("Prism did not listen on port {port} within {limit:?}"))
}
