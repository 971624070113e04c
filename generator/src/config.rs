//! `apigen.toml`: what a repository generates, read strictly.
//!
//! A configuration describes one client with top-level keys, or several with `[[client]]`
//! tables; top-level keys beside `[[client]]` tables are defaults every client inherits. Every
//! unknown key is an error naming it (a typo must not silently change what is generated), and
//! every path is relative to the configuration file's directory.
//!
//! ```toml
//! spec = "openapi.yaml"
//! out = "client"
//! name = "acme-client"
//! overlays = ["fixes.overlay.yaml"]
//! tag-features = true
//! extra-derives = ["PartialEq"]
//!
//! [runtime]
//! git = "https://example.com/apigen.git"
//! rev = "v0.1.0"
//!
//! [select]
//! tags = ["Pets"]
//! exclude-operations = ["deletePet"]
//!
//! [rename.types]
//! PetDTO = "Pet"
//!
//! [formats]
//! date-time = "time"
//!
//! [pagination."listThings"]   # an operationId or "GET /path"; `*` matches any run of characters
//! style = "cursor"             # cursor, next-url, link-header, offset, page or none
//! param = "after"              # the query parameter carrying the cursor, offset or page
//! next = "meta.next_cursor"    # the response field with the next cursor or URL
//! items = "data"               # the response field holding the items
//!
//! regenerate = "make client"   # named in the generated files' "do not edit" header
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::Error;
use crate::model::{PagingRule, PagingStyle};
use crate::{DateTimeType, Options, Package, Renames, RuntimeDependency, Selection};

/// The file name looked for next to the document (or in the current directory).
pub const FILE_NAME: &str = "apigen.toml";

/// One client to generate: a document, where the crate goes, and how.
#[derive(Clone, Debug)]
pub struct Job {
    pub spec: PathBuf,
    pub out: PathBuf,
    pub options: Options,
}

/// What the command line says, applied over the configuration file (the command line wins).
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub spec: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub name: Option<String>,
    pub runtime: Option<RuntimeSource>,
    /// Applied after the configuration's own overlays.
    pub overlays: Vec<PathBuf>,
}

/// A runtime location as the user wrote it, before it is made relative to the output directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuntimeSource {
    /// Relative to the current directory (command line) or to the configuration file.
    Path(PathBuf),
    Git {
        url: String,
        rev: Option<String>,
    },
    Version(String),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ClientTable {
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    name: Option<String>,
    version: Option<String>,
    standalone: Option<bool>,
    overlays: Option<Vec<PathBuf>>,
    runtime: Option<RuntimeTable>,
    select: Option<SelectTable>,
    rename: Option<RenameTable>,
    extra_derives: Option<Vec<String>>,
    tag_features: Option<bool>,
    formats: Option<FormatsTable>,
    /// How operations page, by operation (or pattern).
    pagination: Option<BTreeMap<String, PaginationEntry>>,
    /// The command named in the generated files' header.
    regenerate: Option<String>,
    /// Registry metadata of the generated crate.
    publish: Option<bool>,
    license: Option<String>,
    repository: Option<String>,
    authors: Option<Vec<String>>,
    keywords: Option<Vec<String>>,
    /// Only at the top level.
    #[serde(default)]
    client: Vec<ClientTable>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuntimeTable {
    path: Option<PathBuf>,
    git: Option<String>,
    rev: Option<String>,
    version: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct SelectTable {
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    exclude_tags: Vec<String>,
    #[serde(default)]
    operations: Vec<String>,
    #[serde(default)]
    exclude_operations: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RenameTable {
    #[serde(default)]
    types: BTreeMap<String, String>,
    #[serde(default)]
    operations: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FormatsTable {
    date_time: Option<DateTimeChoice>,
}

/// One `[pagination."…"]` entry: how the operations it names page.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PaginationEntry {
    style: PagingStyleChoice,
    param: Option<String>,
    next: Option<String>,
    items: Option<String>,
    size: Option<String>,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum PagingStyleChoice {
    Cursor,
    NextUrl,
    LinkHeader,
    Offset,
    Page,
    None,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum DateTimeChoice {
    Chrono,
    Time,
    String,
}

impl ClientTable {
    /// `self` with every key it leaves out taken from `defaults`.
    fn inherit(self, defaults: &ClientTable) -> ClientTable {
        ClientTable {
            spec: self.spec.or_else(|| defaults.spec.clone()),
            out: self.out.or_else(|| defaults.out.clone()),
            name: self.name.or_else(|| defaults.name.clone()),
            version: self.version.or_else(|| defaults.version.clone()),
            standalone: self.standalone.or(defaults.standalone),
            overlays: self.overlays.or_else(|| defaults.overlays.clone()),
            runtime: self.runtime.or_else(|| defaults.runtime.clone()),
            select: self.select.or_else(|| defaults.select.clone()),
            rename: self.rename.or_else(|| defaults.rename.clone()),
            extra_derives: self.extra_derives.or_else(|| defaults.extra_derives.clone()),
            tag_features: self.tag_features.or(defaults.tag_features),
            formats: self.formats.or_else(|| defaults.formats.clone()),
            pagination: self.pagination.or_else(|| defaults.pagination.clone()),
            regenerate: self.regenerate.or_else(|| defaults.regenerate.clone()),
            publish: self.publish.or(defaults.publish),
            license: self.license.or_else(|| defaults.license.clone()),
            repository: self.repository.or_else(|| defaults.repository.clone()),
            authors: self.authors.or_else(|| defaults.authors.clone()),
            keywords: self.keywords.or_else(|| defaults.keywords.clone()),
            client: self.client,
        }
    }
}

/// Reads the configuration at `path` into the jobs it describes, with `overrides` applied.
pub fn read(path: &Path, overrides: &Overrides) -> Result<Vec<Job>, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
    parse(path, &text, overrides)
}

/// Parses configuration text; `path` names the file in errors and anchors relative paths.
pub fn parse(path: &Path, text: &str, overrides: &Overrides) -> Result<Vec<Job>, Error> {
    let fail = |message: String| Error::Config { file: path.to_owned(), message };
    let mut top: ClientTable = toml::from_str(text).map_err(|e| fail(toml_message(&e, text)))?;
    let base = path.parent().unwrap_or(Path::new(""));
    let clients = std::mem::take(&mut top.client);
    if clients.is_empty() {
        return Ok(vec![job(top, base, overrides, "", &fail)?]);
    }
    if overrides.spec.is_some() || overrides.out.is_some() || overrides.name.is_some() {
        return Err(fail(format!(
            "it lists {} clients: --spec, --out and --name apply to one; remove them, or use a configuration with one client",
            clients.len()
        )));
    }
    let mut jobs = Vec::with_capacity(clients.len());
    for (index, client) in clients.into_iter().enumerate() {
        let at = format!("client[{index}]: ");
        if !client.client.is_empty() {
            return Err(fail(format!("{at}`client` tables do not nest")));
        }
        jobs.push(job(client.inherit(&top), base, overrides, &at, &fail)?);
    }
    let mut outs = std::collections::BTreeSet::new();
    for job in &jobs {
        if !outs.insert(&job.out) {
            return Err(fail(format!("two clients are generated into {}", job.out.display())));
        }
    }
    Ok(jobs)
}

/// The job a client table describes once every default and override is applied; `at` names the
/// table in messages.
fn job(
    table: ClientTable,
    base: &Path,
    overrides: &Overrides,
    at: &str,
    fail: &dyn Fn(String) -> Error,
) -> Result<Job, Error> {
    let spec = match (&overrides.spec, &table.spec) {
        (Some(spec), _) => spec.clone(),
        (None, Some(spec)) => base.join(spec),
        (None, None) => return Err(fail(format!("{at}no document: set `spec = \"openapi.yaml\"` or pass --spec"))),
    };
    let out = match (&overrides.out, &table.out) {
        (Some(out), _) => out.clone(),
        (None, Some(out)) => base.join(out),
        (None, None) => return Err(fail(format!("{at}no output directory: set `out = \"client\"` or pass --out"))),
    };
    let name = match overrides.name.clone().or(table.name) {
        Some(name) => name,
        None => default_crate_name(&spec).map_err(|message| fail(format!("{at}{message}")))?,
    };
    check_crate_name(&name).map_err(|message| fail(format!("{at}{message}")))?;

    let runtime = match (&overrides.runtime, table.runtime) {
        (Some(source), _) => source.clone(),
        (None, Some(runtime)) => {
            runtime_source(runtime, base).map_err(|message| fail(format!("{at}[runtime]: {message}")))?
        }
        (None, None) => default_runtime(),
    };

    let mut overlays: Vec<PathBuf> = table.overlays.unwrap_or_default().iter().map(|o| base.join(o)).collect();
    overlays.extend(overrides.overlays.iter().cloned());

    let select = table.select.unwrap_or_default();
    let rename = table.rename.unwrap_or_default();
    let date_time = match table.formats.and_then(|f| f.date_time) {
        None | Some(DateTimeChoice::Chrono) => DateTimeType::Chrono,
        Some(DateTimeChoice::Time) => DateTimeType::Time,
        Some(DateTimeChoice::String) => DateTimeType::String,
    };
    let version = table.version.unwrap_or_else(|| "0.1.0".into());
    if version.trim().is_empty() || version.contains(char::is_whitespace) {
        return Err(fail(format!("{at}`version = \"{version}\"` is not a crate version such as \"0.1.0\"")));
    }
    let regenerate = match table.regenerate {
        Some(command) if command.trim().is_empty() || command.contains(['\n', '`']) => {
            return Err(fail(format!("{at}`regenerate = {command:?}` must be a one-line command without backquotes")));
        }
        Some(command) => command,
        None => "apigen generate".into(),
    };
    let package = Package {
        publish: table.publish.unwrap_or(false),
        license: table.license,
        repository: table.repository,
        authors: table.authors.unwrap_or_default(),
        keywords: table.keywords.unwrap_or_default(),
    };
    check_package(&package, &runtime).map_err(|message| fail(format!("{at}{message}")))?;
    let options = Options {
        package,
        crate_version: version,
        regenerate,
        runtime: runtime_dependency(&runtime, &out),
        standalone: table.standalone.unwrap_or(false),
        overlays,
        selection: Selection {
            tags: select.tags,
            exclude_tags: select.exclude_tags,
            operations: select.operations,
            exclude_operations: select.exclude_operations,
        },
        renames: Renames { types: rename.types, operations: rename.operations },
        extra_derives: table.extra_derives.unwrap_or_default(),
        date_time,
        tag_features: table.tag_features.unwrap_or(false),
        pagination: table.pagination.unwrap_or_default().into_iter().map(paging_rule).collect(),
        ..Options::new(name, RuntimeDependency::Version(String::new()))
    };
    Ok(Job { spec, out, options })
}

fn paging_rule((operations, entry): (String, PaginationEntry)) -> PagingRule {
    let style = match entry.style {
        PagingStyleChoice::Cursor => PagingStyle::Cursor,
        PagingStyleChoice::NextUrl => PagingStyle::NextUrl,
        PagingStyleChoice::LinkHeader => PagingStyle::LinkHeader,
        PagingStyleChoice::Offset => PagingStyle::Offset,
        PagingStyleChoice::Page => PagingStyle::Page,
        PagingStyleChoice::None => PagingStyle::None,
    };
    PagingRule { operations, style, param: entry.param, next: entry.next, items: entry.items, size: entry.size }
}

/// What a registry refuses, refused here with the key named: a published crate needs a license
/// and a runtime it can name by version, and crates.io takes at most five keywords of at most
/// 20 characters (ASCII letters, digits, `_`, `-`, `+`, starting with a letter).
fn check_package(package: &Package, runtime: &RuntimeSource) -> Result<(), String> {
    if package.publish {
        if package.license.as_deref().is_none_or(|l| l.trim().is_empty()) {
            return Err("`publish = true` needs `license` (an SPDX expression such as \"MIT OR Apache-2.0\")".into());
        }
        if let RuntimeSource::Git { .. } = runtime {
            return Err("`publish = true` cannot go with `[runtime] git`: a registry crate depends on \
                        `apigen-runtime` by version (`[runtime] version`, or a path, which is given the \
                        generator's version too)"
                .into());
        }
    }
    if package.keywords.len() > 5 {
        return Err(format!("`keywords` lists {}: a registry takes at most 5", package.keywords.len()));
    }
    for keyword in &package.keywords {
        let valid = keyword.len() <= 20
            && keyword.starts_with(|c: char| c.is_ascii_alphabetic())
            && keyword.chars().all(|c| c.is_ascii_alphanumeric() || "_-+".contains(c));
        if !valid {
            return Err(format!(
                "`keywords` entry {keyword:?}: at most 20 ASCII letters, digits, `_`, `-` or `+`, starting with a letter"
            ));
        }
    }
    Ok(())
}

/// A job from command-line flags alone, for when there is no configuration file.
pub fn from_overrides(overrides: &Overrides) -> Result<Job, Error> {
    let here = Path::new("");
    let fail = |message: String| Error::Config { file: PathBuf::from("command line"), message };
    if overrides.spec.is_none() {
        return Err(fail(format!("no document: pass --spec PATH, or write an {FILE_NAME} (none found)")));
    }
    job(ClientTable::default(), here, overrides, "", &fail)
}

fn runtime_source(table: RuntimeTable, base: &Path) -> Result<RuntimeSource, String> {
    match table {
        RuntimeTable { path: Some(path), git: None, rev: None, version: None } => {
            Ok(RuntimeSource::Path(base.join(path)))
        }
        RuntimeTable { path: None, git: Some(url), rev, version: None } => Ok(RuntimeSource::Git { url, rev }),
        RuntimeTable { path: None, git: None, rev: None, version: Some(version) } => {
            Ok(RuntimeSource::Version(version))
        }
        RuntimeTable { git: None, rev: Some(_), .. } => Err("`rev` goes with `git`".into()),
        RuntimeTable { path: None, git: None, version: None, .. } => {
            Err("say where the runtime is: `path`, `git` or `version`".into())
        }
        _ => Err("`path`, `git` and `version` are alternatives: give one".into()),
    }
}

/// Without a choice: the runtime beside this generator's sources when they are still there (a
/// `cargo install --path` from a checkout), else the version of this generator on a registry.
pub fn default_runtime() -> RuntimeSource {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    match beside.join("Cargo.toml").is_file() {
        true => RuntimeSource::Path(beside.canonicalize().unwrap_or(beside)),
        false => RuntimeSource::Version(env!("CARGO_PKG_VERSION").into()),
    }
}

/// How the crate in `out` refers to `source`: a path is made relative to `out`, so that the
/// generated `Cargo.toml` keeps working when the repository is cloned elsewhere.
pub fn runtime_dependency(source: &RuntimeSource, out: &Path) -> RuntimeDependency {
    match source {
        RuntimeSource::Path(path) => RuntimeDependency::Path(relative_to(path, out).to_string_lossy().into_owned()),
        RuntimeSource::Git { url, rev } => RuntimeDependency::Git { url: url.clone(), rev: rev.clone() },
        RuntimeSource::Version(version) => RuntimeDependency::Version(version.clone()),
    }
}

/// `path` as seen from the directory `from`; absolute when no relative path exists (other
/// drive, or one of them absolute and the other not resolvable).
fn relative_to(path: &Path, from: &Path) -> PathBuf {
    let absolute = |p: &Path| match p.is_absolute() {
        true => Some(p.to_owned()),
        false => std::env::current_dir().ok().map(|dir| dir.join(p)),
    };
    let (Some(path_abs), Some(from_abs)) = (absolute(path), absolute(from)) else {
        return path.to_owned();
    };
    let path_abs = normalize(&path_abs);
    let from_abs = normalize(&from_abs);
    pathdiff::diff_paths(&path_abs, &from_abs).unwrap_or(path_abs)
}

/// Removes `.` and `a/..` without touching the file system (the output may not exist yet).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `petstore.yaml` → `petstore-client`.
pub fn default_crate_name(spec: &Path) -> Result<String, String> {
    let stem = spec
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .ok_or_else(|| format!("{}: cannot name a crate after this path; set `name`", spec.display()))?;
    Ok(crate::model::package_name(&stem, "client"))
}

/// Cargo's rule for package names: ASCII letters, digits, `-` and `_`, starting with a letter.
pub fn check_crate_name(name: &str) -> Result<(), String> {
    let starts_with_letter = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    let valid = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    match starts_with_letter && valid {
        true => Ok(()),
        false => Err(format!(
            "`{name}` is not a valid crate name (ASCII letters, digits, `-` and `_`, starting with a letter)"
        )),
    }
}

/// toml's message on one line, after the line and column it points at.
fn toml_message(error: &toml::de::Error, text: &str) -> String {
    let message = error.message().trim_end().replace('\n', " ");
    match error.span() {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message,
    }
}

/// The configuration that applies when none is named: `apigen.toml` next to the document, or
/// in the current directory when no document is given.
pub fn discover(spec: Option<&Path>) -> Option<PathBuf> {
    let dir = match spec {
        Some(spec) => spec.parent().map(Path::to_owned).unwrap_or_default(),
        None => PathBuf::new(),
    };
    let candidate = if dir.as_os_str().is_empty() { PathBuf::from(FILE_NAME) } else { dir.join(FILE_NAME) };
    candidate.is_file().then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Vec<Job>, String> {
        parse(Path::new("/repo/api/apigen.toml"), text, &Overrides::default()).map_err(|e| e.to_string())
    }

    #[test]
    fn one_client_with_every_key() {
        let jobs = parse_str(
            r#"
spec = "openapi.yaml"
out = "../client"
name = "acme-client"
version = "2.1.0"
standalone = true
overlays = ["fix.yaml"]
extra-derives = ["PartialEq"]
tag-features = true
regenerate = "make client"

[runtime]
git = "https://example.com/apigen.git"
rev = "abc123"

[select]
tags = ["Pets"]
exclude-operations = ["deletePet"]

[rename]
types = { PetDTO = "Pet" }
operations = { listPets = "pets" }

[formats]
date-time = "time"
"#,
        )
        .unwrap();
        let [job] = &jobs[..] else { panic!("{jobs:?}") };
        assert_eq!(job.spec, Path::new("/repo/api/openapi.yaml"));
        assert_eq!(job.out, Path::new("/repo/api/../client"));
        let o = &job.options;
        assert_eq!((o.crate_name.as_str(), o.crate_version.as_str(), o.standalone), ("acme-client", "2.1.0", true));
        assert_eq!(o.overlays, [PathBuf::from("/repo/api/fix.yaml")]);
        assert_eq!(
            o.runtime,
            RuntimeDependency::Git { url: "https://example.com/apigen.git".into(), rev: Some("abc123".into()) }
        );
        assert_eq!(o.selection.tags, ["Pets"]);
        assert_eq!(o.selection.exclude_operations, ["deletePet"]);
        assert_eq!(o.renames.types["PetDTO"], "Pet");
        assert_eq!(o.renames.operations["listPets"], "pets");
        assert_eq!(o.extra_derives, ["PartialEq"]);
        assert_eq!(o.date_time, DateTimeType::Time);
        assert!(o.tag_features);
        assert_eq!(o.regenerate, "make client");
    }

    #[test]
    fn pagination_entries_by_operation_or_pattern() {
        let jobs = parse_str(
            "spec = 'a.yaml'\nout = 'c'\n[pagination.'GET /v1/*']\nstyle = 'next-url'\nnext = 'links.next'\n[pagination.listThings]\nstyle = 'offset'\nparam = 'skip'\nsize = 'take'\nitems = 'data'\n",
        )
        .unwrap();
        let rules = &jobs[0].options.pagination;
        assert_eq!(rules.len(), 2);
        assert_eq!((rules[0].operations.as_str(), rules[0].style), ("GET /v1/*", PagingStyle::NextUrl));
        assert_eq!(rules[0].next.as_deref(), Some("links.next"));
        assert_eq!((rules[1].param.as_deref(), rules[1].size.as_deref()), (Some("skip"), Some("take")));
        let error =
            parse_str("spec = 'a.yaml'\nout = 'c'\n[pagination.x]\nstyle = 'cursor'\ncursor = 'c'\n").unwrap_err();
        assert!(error.contains("unknown field `cursor`"), "{error}");
        let error = parse_str("spec = 'a.yaml'\nout = 'c'\n[pagination.x]\nstyle = 'token'\n").unwrap_err();
        assert!(error.contains("unknown variant `token`"), "{error}");
    }

    #[test]
    fn the_regenerate_command_defaults_to_apigen_and_is_one_line() {
        let jobs = parse_str("spec = 'a.yaml'\nout = 'c'\n").unwrap();
        assert_eq!(jobs[0].options.regenerate, "apigen generate");
        let error = parse_str("spec = 'a.yaml'\nout = 'c'\nregenerate = \"make\\nclient\"\n").unwrap_err();
        assert!(error.contains("one-line command"), "{error}");
    }

    #[test]
    fn runtime_paths_are_relative_to_the_generated_crate() {
        let jobs =
            parse_str("spec = 'a.yaml'\nout = 'gen/client'\n[runtime]\npath = '../vendor/apigen-runtime'\n").unwrap();
        assert_eq!(jobs[0].options.runtime, RuntimeDependency::Path("../../../vendor/apigen-runtime".into()));
        assert_eq!(jobs[0].options.crate_name, "a-client");
        let jobs = parse_str("spec = 'a.yaml'\nout = 'c'\n[runtime]\nversion = '0.1'\n").unwrap();
        assert_eq!(jobs[0].options.runtime, RuntimeDependency::Version("0.1".into()));
    }

    #[test]
    fn package_metadata_makes_a_crate_publishable_and_is_checked() {
        let jobs = parse_str(
            "publish = true\nlicense = 'MIT'\nrepository = 'https://example.com/r'\nauthors = ['A <a@example.com>']\n\
             keywords = ['api', 'openapi-client']\n[[client]]\nspec = 'a.yaml'\nout = 'a'\n[[client]]\nspec = 'b.yaml'\nout = 'b'\npublish = false\n",
        )
        .unwrap();
        let package = &jobs[0].options.package;
        assert!(package.publish && !jobs[1].options.package.publish);
        assert_eq!(package.license.as_deref(), Some("MIT"));
        assert_eq!(package.repository.as_deref(), Some("https://example.com/r"));
        assert_eq!(package.authors, ["A <a@example.com>"]);
        assert_eq!(jobs[1].options.package.keywords, ["api", "openapi-client"]);
        let err = parse_str("spec = 'a.yaml'\nout = 'c'\npublish = true\n").unwrap_err();
        assert!(err.contains("`publish = true` needs `license`"), "{err}");
        let err = parse_str("spec = 'a.yaml'\nout = 'c'\nkeywords = ['a', 'b', 'c', 'd', 'e', 'f']\n").unwrap_err();
        assert!(err.contains("`keywords` lists 6: a registry takes at most 5"), "{err}");
        let err = parse_str("spec = 'a.yaml'\nout = 'c'\nkeywords = ['9lives']\n").unwrap_err();
        assert!(err.contains("`keywords` entry \"9lives\""), "{err}");
        let err =
            parse_str("spec = 'a.yaml'\nout = 'c'\npublish = true\nlicense = 'MIT'\n[runtime]\ngit = 'https://x'\n")
                .unwrap_err();
        assert!(err.contains("cannot go with `[runtime] git`"), "{err}");
    }

    #[test]
    fn several_clients_inherit_top_level_keys() {
        let jobs = parse_str(
            "tag-features = true\n[runtime]\nversion = '1'\n\n[[client]]\nspec = 'a.yaml'\nout = 'a'\n\n[[client]]\nspec = 'b.json'\nout = 'b'\ntag-features = false\n",
        )
        .unwrap();
        assert_eq!(jobs.len(), 2);
        assert_eq!(jobs[0].options.crate_name, "a-client");
        assert!(jobs[0].options.tag_features);
        assert!(!jobs[1].options.tag_features);
        assert_eq!(jobs[1].options.runtime, RuntimeDependency::Version("1".into()));
    }

    #[test]
    fn unknown_keys_are_errors_naming_the_key() {
        let err = parse_str("spec = 'a.yaml'\nout = 'c'\ntag-feature = true\n").unwrap_err();
        assert!(err.starts_with("/repo/api/apigen.toml: line 3, column 1: unknown field `tag-feature`"), "{err}");
        assert!(!err.contains('\n'), "{err}");
        let err = parse_str("spec = 'a.yaml'\nout = 'c'\n[select]\ntag = ['x']\n").unwrap_err();
        assert!(err.contains("unknown field `tag`"), "{err}");
        let err = parse_str("spec = 'a.yaml'\nout = 'c'\n[formats]\nuuid = 'string'\n").unwrap_err();
        assert!(err.contains("unknown field `uuid`"), "{err}");
        let err = parse_str("spec = 'a.yaml'\nout = 'c'\n[formats]\ndate-time = 'jiff'\n").unwrap_err();
        assert!(err.contains("jiff"), "{err}");
    }

    #[test]
    fn incomplete_or_contradictory_tables_are_errors() {
        let err = parse_str("out = 'c'\n").unwrap_err();
        assert!(err.contains("no document"), "{err}");
        let err = parse_str("spec = 'a.yaml'\n").unwrap_err();
        assert!(err.contains("no output directory"), "{err}");
        let err = parse_str("spec = 'a.yaml'\nout = 'c'\n[runtime]\npath = 'r'\nversion = '1'\n").unwrap_err();
        assert!(err.contains("[runtime]: `path`, `git` and `version` are alternatives"), "{err}");
        let err = parse_str("spec = 'a.yaml'\nout = 'c'\n[runtime]\nrev = 'x'\n").unwrap_err();
        assert!(err.contains("`rev` goes with `git`"), "{err}");
        let err = parse_str("spec = 'a.yaml'\nout = 'c'\nname = '9lives'\n").unwrap_err();
        assert!(err.contains("not a valid crate name"), "{err}");
        let err =
            parse_str("[[client]]\nspec = 'a.yaml'\nout = 'c'\n[[client]]\nspec = 'b.yaml'\nout = 'c'\n").unwrap_err();
        assert!(err.contains("two clients are generated into"), "{err}");
        let err = parse_str("spec = 'a.yaml'\nout = 'c'\nversion = ''\n").unwrap_err();
        assert!(err.contains("not a crate version"), "{err}");
        let err = parse_str("spec = = 'a.yaml'\n").unwrap_err();
        assert!(err.contains("line 1"), "{err}");
    }

    #[test]
    fn the_command_line_wins() {
        let overrides = Overrides {
            out: Some("elsewhere".into()),
            runtime: Some(RuntimeSource::Version("9".into())),
            overlays: vec!["cli.yaml".into()],
            ..Overrides::default()
        };
        let jobs =
            parse(Path::new("apigen.toml"), "spec = 'a.yaml'\nout = 'c'\noverlays = ['o.yaml']\n", &overrides).unwrap();
        assert_eq!(jobs[0].out, Path::new("elsewhere"));
        assert_eq!(jobs[0].options.runtime, RuntimeDependency::Version("9".into()));
        assert_eq!(jobs[0].options.overlays, [PathBuf::from("o.yaml"), PathBuf::from("cli.yaml")]);
        let several = "[[client]]\nspec = 'a.yaml'\nout = 'a'\n[[client]]\nspec = 'b.yaml'\nout = 'b'\n";
        let err = parse(Path::new("apigen.toml"), several, &overrides).unwrap_err().to_string();
        assert!(err.contains("lists 2 clients"), "{err}");
    }

    #[test]
    fn crate_names_from_paths() {
        assert_eq!(default_crate_name(Path::new("specs/Pet Store.v2.yaml")).unwrap(), "pet-store-v2-client");
        assert_eq!(default_crate_name(Path::new("2024.yaml")).unwrap(), "api-2024-client");
        assert_eq!(default_crate_name(Path::new("-.yaml")).unwrap(), "api-client");
    }
}
