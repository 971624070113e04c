//! `cargo xtask layers [--graph]`: the module imports of `generator/src` and `runtime/src`, and
//! two rules about them.
//!
//! 1. No cycles between siblings: the modules of one parent (the stages under the crate root,
//!    the files of `generator/src/emit`, those of `runtime/src`, …) import one another one way
//!    only, so each can be read knowing only the ones it imports.
//! 2. The generator's stages import one way, as data flows (see `generator/src/lib.rs`): each
//!    stage may import what [`STAGES`] lists for it and nothing else, and only `emit` and
//!    `write` use `syn`, `quote`, `prettyplease` or `proc_macro2`.
//!
//! An import is a `use` of a path that starts with `crate`, `super` or `self` (or with a child
//! module's name), or such a path written in code, macro arguments included. Paths are followed
//! through the `use`s of the modules they pass (`crate::Error` in the runtime is `error::Error`,
//! which `lib.rs` re-exports), so an import names the module that defines what it imports. The
//! files are parsed with `syn`; items under `#[cfg(test)]` are left out, because a test may drive
//! any stage to set up what it tests. An import between a module and one of its ancestors is not
//! one between siblings: the crate root's types (`apigen::Options`) are read by every stage; its
//! functions (`apigen::generate`) run them all, so a stage must not call them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;

use crate::codegen::workspace_root;

/// The generator's top-level modules, in the order data flows, each with the top-level modules
/// it may import. `lib` stands for the functions of `lib.rs` (the pipeline's driver); a new
/// top-level module must be added here before the check passes.
const STAGES: &[(&str, &[&str])] = &[
    ("diagnostics", &UTILITIES),
    ("pointer", &UTILITIES),
    ("names", &UTILITIES),
    ("load", &UTILITIES),
    ("resolve", &["diagnostics", "pointer", "names", "load"]),
    ("model", &["diagnostics", "pointer", "names", "load", "resolve"]),
    // What emit reads is the model alone: documents (load, resolve) stay behind it.
    ("emit", &["diagnostics", "pointer", "names", "model"]),
    ("write", &["diagnostics", "pointer", "names", "model", "emit"]),
    // What a document change does to the generated API: compares two models, names items as
    // emit writes them.
    ("diff", &["diagnostics", "pointer", "names", "model", "emit"]),
    ("lib", EVERYTHING),
    // The staged driver (load → … → formatted files) that lib, embed and cli call, on its way in
    // from another branch.
    ("stages", EVERYTHING),
    ("embed", EVERYTHING),
    ("config", EVERYTHING),
    ("cli", EVERYTHING),
];

/// Shared helpers that know nothing of any stage.
const UTILITIES: [&str; 3] = ["diagnostics", "pointer", "names"];

/// The end of the pipeline, which may call every stage.
const EVERYTHING: &[&str] = &[
    "diagnostics",
    "pointer",
    "names",
    "load",
    "resolve",
    "model",
    "emit",
    "write",
    "diff",
    "lib",
    "stages",
    "embed",
    "config",
    "cli",
];

/// The crates that turn a model into Rust text, and the stages allowed to use them.
const CODE_CRATES: [&str; 4] = ["syn", "quote", "prettyplease", "proc_macro2"];
const CODE_STAGES: [&str; 2] = ["emit", "write"];

/// Macros whose arguments are the generated program, not paths of this crate.
const QUOTING_MACROS: [&str; 5] = ["quote", "quote_spanned", "parse_quote", "parse_quote_spanned", "format_ident"];

pub fn run(args: &[String]) -> Result<(), String> {
    let mut graph = false;
    let mut root = workspace_root();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--graph" => graph = true,
            // Another checkout, e.g. a branch's worktree before it is merged.
            "--root" => root = args.next().ok_or("--root needs a folder")?.into(),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let crates = workspace_crates(&root)?;
    if graph {
        for krate in &crates {
            print!("{}", krate.graph());
        }
    }
    let problems = check(&crates);
    for problem in &problems {
        println!("error: {problem}");
    }
    if !problems.is_empty() {
        return Err(format!("{} layering problem(s) in generator/src and runtime/src", problems.len()));
    }
    let modules: usize = crates.iter().map(|k| k.modules.len()).sum();
    println!("layers: ok ({modules} modules of generator/src and runtime/src, no cycle, stages in order)");
    Ok(())
}

/// The two crates whose layering is checked, in the checkout at `root`.
pub fn workspace_crates(root: &Path) -> Result<Vec<Crate>, String> {
    Ok(vec![Crate::read("generator", &root.join("generator/src"))?, Crate::read("runtime", &root.join("runtime/src"))?])
}

/// Every problem of every crate: cycles everywhere, stage order and code crates in the generator.
pub fn check(crates: &[Crate]) -> Vec<String> {
    let mut problems = Vec::new();
    for krate in crates {
        problems.extend(krate.cycles());
        if krate.name == "generator" {
            problems.extend(krate.stage_order());
        }
    }
    problems
}

/// A module's path below its crate root: `["emit", "operations"]`; the root is `[]`.
type ModulePath = Vec<String>;

/// What one module holds that matters here.
#[derive(Default)]
struct Module {
    /// The file it is written in, relative to the workspace root, for messages.
    file: String,
    children: BTreeSet<String>,
    /// Names of items defined here, and which of them are functions.
    items: BTreeSet<String>,
    functions: BTreeSet<String>,
    /// Names brought in by `use`: the name → the path it stands for (crate-relative, or starting
    /// with an external crate's name when `external` says so).
    bindings: BTreeMap<String, Imported>,
    /// Targets of `use …::*`.
    globs: Vec<Imported>,
    /// Every path this module names, as written.
    paths: Vec<Written>,
}

#[derive(Clone)]
struct Imported {
    path: Vec<String>,
    external: bool,
}

/// A path as written in a module: its segments made crate-relative, and its text for messages.
struct Written {
    imported: Imported,
    text: String,
}

/// One crate's modules and the paths each names.
pub struct Crate {
    pub name: String,
    modules: BTreeMap<ModulePath, Module>,
}

/// Where a path leads: the module that defines what it names, and the item's name there.
struct Target {
    module: ModulePath,
    item: Option<String>,
}

impl Crate {
    /// Reads the module tree from `src/lib.rs` down, following `mod name;` to `name.rs` or
    /// `name/mod.rs` (modules under `#[cfg(test)]` excepted).
    pub fn read(name: &str, src: &Path) -> Result<Crate, String> {
        let mut krate = Crate { name: name.to_owned(), modules: BTreeMap::new() };
        let mut pending: Vec<(ModulePath, PathBuf)> = vec![(Vec::new(), src.join("lib.rs"))];
        while let Some((path, file)) = pending.pop() {
            let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let parsed = syn::parse_file(&text).map_err(|e| format!("{}: {e}", file.display()))?;
            // Relative to the checkout: `src` is `generator/src` or `runtime/src` in it.
            let checkout = src.parent().and_then(Path::parent).unwrap_or(src);
            let shown = file.strip_prefix(checkout).unwrap_or(&file).display().to_string();
            for child in krate.add_items(&path, &parsed.items, &shown) {
                // `mod x;` in module `a::b` is `a/b/x.rs` or `a/b/x/mod.rs` below `src/`, whether
                // `a::b` is itself `a/b.rs` or `a/b/mod.rs`.
                let dir = child.iter().take(child.len() - 1).fold(src.to_owned(), |dir, segment| dir.join(segment));
                let last = child.last().expect("a child has a name");
                let flat = dir.join(format!("{last}.rs"));
                let nested = dir.join(last).join("mod.rs");
                let child_file = if flat.is_file() {
                    flat
                } else if nested.is_file() {
                    nested
                } else {
                    return Err(format!(
                        "{shown}: `mod {last};` has neither {} nor {}",
                        flat.display(),
                        nested.display()
                    ));
                };
                pending.push((child, child_file));
            }
        }
        Ok(krate)
    }

    /// Records the items of module `path` (and of its inline modules), and returns the paths of
    /// the modules it declares in files of their own.
    fn add_items(&mut self, path: &ModulePath, items: &[syn::Item], file: &str) -> Vec<ModulePath> {
        let items: Vec<&syn::Item> = items.iter().filter(|item| !is_test_only(item)).collect();
        let module = self.modules.entry(path.clone()).or_default();
        module.file = file.to_owned();
        // Names first, so that a `use` of a name defined further down is read as this module's.
        let mut in_files = Vec::new();
        let mut inline = Vec::new();
        for item in &items {
            if let syn::Item::Mod(m) = item {
                let mut child = path.clone();
                child.push(m.ident.to_string());
                module.children.insert(m.ident.to_string());
                match &m.content {
                    Some((_, content)) => inline.push((child, content.clone())),
                    None => in_files.push(child),
                }
            } else if let Some(name) = item_name(item) {
                if matches!(item, syn::Item::Fn(_)) {
                    module.functions.insert(name.clone());
                }
                module.items.insert(name);
            }
        }
        for item in &items {
            match item {
                syn::Item::Mod(_) => {}
                syn::Item::Use(u) => {
                    let mut leaves = Vec::new();
                    use_leaves(&u.tree, Vec::new(), &mut leaves);
                    for (segments, alias) in leaves {
                        let Some(imported) = absolute(path, &segments, module) else { continue };
                        match alias {
                            Some(name) if name != "_" => {
                                module.bindings.insert(name, imported.clone());
                            }
                            Some(_) => {}
                            None => module.globs.push(imported.clone()),
                        }
                        module.paths.push(Written { imported, text: segments.join("::") });
                    }
                }
                other => {
                    let mut found = Vec::new();
                    code_paths(other.to_token_stream(), &mut found);
                    for segments in found {
                        if let Some(imported) = absolute(path, &segments, module) {
                            module.paths.push(Written { imported, text: segments.join("::") });
                        }
                    }
                }
            }
        }
        for (child, content) in inline {
            in_files.extend(self.add_items(&child, &content, file));
        }
        in_files
    }

    /// Follows `path` from the crate root through child modules and `use`s to the module that
    /// defines what it names. `None` when it leaves the crate.
    fn resolve(&self, path: &[String], depth: usize) -> Option<Target> {
        if depth > 16 {
            return None;
        }
        let mut module: ModulePath = Vec::new();
        for (i, segment) in path.iter().enumerate() {
            let here = self.modules.get(&module)?;
            if here.children.contains(segment) {
                module.push(segment.clone());
                continue;
            }
            let rest = &path[i + 1..];
            if let Some(imported) = here.bindings.get(segment) {
                if imported.external {
                    return None;
                }
                let followed: Vec<String> = imported.path.iter().chain(rest).cloned().collect();
                return self.resolve(&followed, depth + 1);
            }
            if !here.items.contains(segment) {
                for glob in here.globs.iter().filter(|g| !g.external) {
                    let Some(target) = self.resolve(&glob.path, depth + 1) else { continue };
                    let defines = self.modules.get(&target.module).is_some_and(|m| {
                        m.children.contains(segment) || m.items.contains(segment) || m.bindings.contains_key(segment)
                    });
                    if target.item.is_none() && defines {
                        let followed: Vec<String> =
                            target.module.iter().chain(std::iter::once(segment)).chain(rest).cloned().collect();
                        return self.resolve(&followed, depth + 1);
                    }
                }
            }
            return Some(Target { module, item: Some(segment.clone()) });
        }
        Some(Target { module, item: None })
    }

    /// Every import between two modules: (from, to, evidence), `to` being the module that
    /// defines what is imported. Imports within one module are left out.
    fn imports(&self) -> Vec<(ModulePath, Target, String)> {
        let mut found = Vec::new();
        for (path, module) in &self.modules {
            for written in module.paths.iter().filter(|w| !w.imported.external) {
                let Some(target) = self.resolve(&written.imported.path, 0) else { continue };
                if target.module != *path {
                    found.push((path.clone(), target, format!("{} `{}`", module.file, written.text)));
                }
            }
        }
        found
    }

    /// The imports between siblings, by parent: parent → (from, to) → the first evidence. An
    /// import from `emit::operations::inner` of `emit::types::X` is one of `emit`'s children,
    /// `operations` → `types`.
    fn sibling_graph(&self) -> BTreeMap<ModulePath, BTreeMap<(String, String), String>> {
        let mut graph: BTreeMap<ModulePath, BTreeMap<(String, String), String>> = BTreeMap::new();
        for path in self.modules.keys().filter(|p| self.modules.get(*p).is_some_and(|m| !m.children.is_empty())) {
            graph.entry(path.clone()).or_default();
        }
        for (from, to, evidence) in self.imports() {
            let common = from.iter().zip(&to.module).take_while(|(a, b)| a == b).count();
            if common < from.len() && common < to.module.len() {
                let edge = (from[common].clone(), to.module[common].clone());
                graph.entry(from[..common].to_vec()).or_default().entry(edge).or_insert(evidence);
            }
        }
        graph
    }

    /// `generator::emit`, `runtime` (the root).
    fn shown(&self, path: &[String]) -> String {
        std::iter::once(self.name.as_str()).chain(path.iter().map(String::as_str)).collect::<Vec<_>>().join("::")
    }

    /// One problem per cycle: the modules of each strongly connected set of siblings, and the
    /// imports that close one cycle through them.
    fn cycles(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (parent, edges) in self.sibling_graph() {
            let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for (from, to) in edges.keys() {
                next.entry(from).or_default().push(to);
            }
            for group in strongly_connected(&next).into_iter().filter(|g| g.len() > 1) {
                let cycle = cycle_through(&next, &group);
                let mut message = format!(
                    "import cycle in {}: {} (all of {{{}}} reach one another)",
                    self.shown(&parent),
                    cycle.join(" → "),
                    group.join(", ")
                );
                for pair in cycle.windows(2) {
                    let evidence = &edges[&(pair[0].to_owned(), pair[1].to_owned())];
                    message.push_str(&format!("\n    {} → {}: {evidence}", pair[0], pair[1]));
                }
                problems.push(message);
            }
        }
        problems
    }

    /// The generator's stages against [`STAGES`], and the code crates outside emit and write.
    fn stage_order(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let stage = |path: &[String]| path.first().cloned().unwrap_or_else(|| "lib".to_owned());
        let allowed = |name: &str| STAGES.iter().find(|(stage, _)| *stage == name).map(|(_, may)| *may);
        for top in self.modules.keys().filter(|p| p.len() == 1) {
            if allowed(&top[0]).is_none() {
                problems.push(format!(
                    "generator::{} has no place in the pipeline: add it to STAGES in xtask/src/layers.rs",
                    top[0]
                ));
            }
        }
        // Stage → stage → every import that goes against the pipeline.
        let mut against: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for (from, to, evidence) in self.imports() {
            let (source, mut target) = (stage(&from), stage(&to.module));
            if to.module.is_empty() {
                // The root's types are everyone's; its functions are the pipeline's driver.
                let is_function =
                    to.item.as_ref().is_some_and(|item| self.modules[&to.module].functions.contains(item));
                if !is_function {
                    continue;
                }
                target = "lib".to_owned();
            }
            let may = allowed(&source).unwrap_or(EVERYTHING);
            if source != target && !may.contains(&target.as_str()) {
                against.entry((source, target)).or_default().push(evidence);
            }
        }
        for ((source, target), evidence) in against {
            let may = allowed(&source).unwrap_or_default();
            problems.push(format!(
                "generator::{source} imports generator::{target}, against the pipeline ({source} may import {}): {}",
                if may.is_empty() { "nothing of the crate".to_owned() } else { may.join(", ") },
                evidence.join("; ")
            ));
        }
        let mut seen = BTreeSet::new();
        for (path, module) in &self.modules {
            let source = stage(path);
            if CODE_STAGES.contains(&source.as_str()) {
                continue;
            }
            for written in module.paths.iter().filter(|w| w.imported.external) {
                let krate = &written.imported.path[0];
                if CODE_CRATES.contains(&krate.as_str()) && seen.insert((source.clone(), krate.clone())) {
                    problems.push(format!(
                        "generator::{source} uses {krate}, which only {} may use: {} `{}`",
                        CODE_STAGES.join(" and "),
                        module.file,
                        written.text
                    ));
                }
            }
        }
        problems
    }

    /// The module graph, parent by parent: each module and the siblings it imports.
    pub fn graph(&self) -> String {
        let mut out = String::new();
        for (parent, edges) in self.sibling_graph() {
            out.push_str(&format!("{}\n", self.shown(&parent)));
            let children = &self.modules[&parent].children;
            for child in children {
                let imports: Vec<&str> =
                    edges.keys().filter(|(from, _)| from == child).map(|(_, to)| to.as_str()).collect();
                if imports.is_empty() {
                    out.push_str(&format!("  {child}\n"));
                } else {
                    out.push_str(&format!("  {child} → {}\n", imports.join(", ")));
                }
            }
        }
        out
    }
}

/// `#[cfg(test)]` on an item.
fn is_test_only(item: &syn::Item) -> bool {
    let attrs = match item {
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        _ => return false,
    };
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg") && attr.meta.require_list().is_ok_and(|list| list.tokens.to_string() == "test")
    })
}

/// The name an item defines in its module, if any.
fn item_name(item: &syn::Item) -> Option<String> {
    let ident = match item {
        syn::Item::Fn(i) => &i.sig.ident,
        syn::Item::Struct(i) => &i.ident,
        syn::Item::Enum(i) => &i.ident,
        syn::Item::Union(i) => &i.ident,
        syn::Item::Const(i) => &i.ident,
        syn::Item::Static(i) => &i.ident,
        syn::Item::Trait(i) => &i.ident,
        syn::Item::Type(i) => &i.ident,
        syn::Item::Macro(i) => i.ident.as_ref()?,
        _ => return None,
    };
    Some(ident.to_string())
}

/// The leaves of a `use` tree: each full path, with the name it binds (`None` for a glob).
/// `use a::{self, b as c}` gives `a` bound as `a` and `a::b` bound as `c`.
fn use_leaves(tree: &syn::UseTree, mut prefix: Vec<String>, out: &mut Vec<(Vec<String>, Option<String>)>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_leaves(&p.tree, prefix, out);
        }
        syn::UseTree::Name(n) if n.ident == "self" => {
            let name = prefix.last().cloned();
            out.push((prefix, name));
        }
        syn::UseTree::Name(n) => {
            prefix.push(n.ident.to_string());
            out.push((prefix, Some(n.ident.to_string())));
        }
        syn::UseTree::Rename(r) => {
            let alias = r.rename.to_string();
            if r.ident != "self" {
                prefix.push(r.ident.to_string());
            }
            out.push((prefix, Some(alias)));
        }
        syn::UseTree::Glob(_) => out.push((prefix, None)),
        syn::UseTree::Group(g) => {
            for item in &g.items {
                use_leaves(item, prefix.clone(), out);
            }
        }
    }
}

/// The paths written in code that start with `crate`, `super` or `self`, or with a crate
/// whose use is restricted ([`CODE_CRATES`]). The arguments of other macros count (`format!`,
/// `vec!`), not those of the quoting ones, which are the generated program.
fn code_paths(tokens: TokenStream, out: &mut Vec<Vec<String>>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Group(group) => {
                let quoting = i >= 2
                    && matches!(&tokens[i - 1], TokenTree::Punct(p) if p.as_char() == '!')
                    && matches!(&tokens[i - 2], TokenTree::Ident(name) if QUOTING_MACROS.contains(&name.to_string().as_str()));
                if !quoting {
                    code_paths(group.stream(), out);
                }
                i += 1;
            }
            TokenTree::Ident(ident) => {
                let first = ident.to_string();
                let starts_path = !(i >= 1 && is_colon(&tokens[i - 1]));
                let relevant =
                    matches!(first.as_str(), "crate" | "super" | "self") || CODE_CRATES.contains(&first.as_str());
                let mut segments = vec![first];
                let mut j = i + 1;
                while j + 2 < tokens.len() && is_colon(&tokens[j]) && is_colon(&tokens[j + 1]) {
                    match &tokens[j + 2] {
                        TokenTree::Ident(next) => segments.push(next.to_string()),
                        _ => break,
                    }
                    j += 3;
                }
                if starts_path && relevant && segments.len() > 1 {
                    out.push(segments);
                }
                i = j.max(i + 1);
            }
            TokenTree::Punct(_) | TokenTree::Literal(_) => i += 1,
        }
    }
}

fn is_colon(token: &TokenTree) -> bool {
    matches!(token, TokenTree::Punct(p) if p.as_char() == ':')
}

/// A path written in module `here` made crate-relative: `super::x` in `emit::types` is
/// `emit::x`; `types::X` in `emit` is `emit::types::X` (a child, an item or a name bound by
/// `use` in `here`); a path that starts with anything else is another crate's.
fn absolute(here: &ModulePath, segments: &[String], module: &Module) -> Option<Imported> {
    let (first, rest) = segments.split_first()?;
    let mut path = here.clone();
    let mut rest = rest;
    match first.as_str() {
        "crate" => path.clear(),
        "self" => {}
        "super" => {
            path.pop()?;
            while let Some(("super", tail)) = rest.split_first().map(|(s, t)| (s.as_str(), t)) {
                path.pop()?;
                rest = tail;
            }
        }
        name if module.children.contains(name) || module.items.contains(name) => rest = segments,
        _ => return Some(Imported { path: segments.to_vec(), external: true }),
    }
    path.extend(rest.iter().cloned());
    Some(Imported { path, external: false })
}

/// Tarjan's strongly connected components of a small graph, each sorted.
fn strongly_connected<'a>(next: &BTreeMap<&'a str, Vec<&'a str>>) -> Vec<Vec<&'a str>> {
    struct State<'a> {
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        groups: Vec<Vec<&'a str>>,
    }
    fn visit<'a>(node: &'a str, next: &BTreeMap<&'a str, Vec<&'a str>>, s: &mut State<'a>) {
        let index = s.index.len();
        s.index.insert(node, index);
        s.low.insert(node, index);
        s.stack.push(node);
        for &to in next.get(node).into_iter().flatten() {
            if !s.index.contains_key(to) {
                visit(to, next, s);
                let low = s.low[node].min(s.low[to]);
                s.low.insert(node, low);
            } else if s.stack.contains(&to) {
                let low = s.low[node].min(s.index[to]);
                s.low.insert(node, low);
            }
        }
        if s.low[node] == s.index[node] {
            let mut group = Vec::new();
            while let Some(member) = s.stack.pop() {
                group.push(member);
                if member == node {
                    break;
                }
            }
            group.sort();
            s.groups.push(group);
        }
    }
    let mut state = State { index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), groups: Vec::new() };
    for &node in next.keys() {
        if !state.index.contains_key(node) {
            visit(node, next, &mut state);
        }
    }
    state.groups.sort();
    state.groups
}

/// One cycle through the first module of `group`, by the shortest way back (breadth first):
/// `[a, b, c, a]`.
fn cycle_through<'a>(next: &BTreeMap<&'a str, Vec<&'a str>>, group: &[&'a str]) -> Vec<&'a str> {
    let start = group[0];
    let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &to in next.get(node).into_iter().flatten().filter(|to| group.contains(to)) {
            if to == start {
                let mut cycle = vec![start, node];
                let mut at = node;
                while at != start {
                    at = came_from[at];
                    cycle.push(at);
                }
                cycle.reverse();
                return cycle;
            }
            if !came_from.contains_key(to) {
                came_from.insert(to, node);
                queue.push_back(to);
            }
        }
    }
    group.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A crate written into a scratch folder from (file, text) pairs.
    fn scratch(name: &str, files: &[(&str, &str)]) -> Crate {
        let src = workspace_root().join("target/layers-test").join(name).join("src");
        let _ = std::fs::remove_dir_all(&src);
        for (file, text) in files {
            let path = src.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Crate::read("generator", &src).unwrap()
    }

    #[test]
    fn cycles_between_siblings_are_named_with_their_imports() {
        let krate = scratch(
            "cycle",
            &[
                ("lib.rs", "pub mod emit;"),
                ("emit/mod.rs", "mod a; mod b; mod c; pub use a::A;"),
                ("emit/a.rs", "use super::b::B; pub struct A;"),
                // Through the parent's re-export, and in a macro's arguments.
                ("emit/b.rs", "pub struct B; fn f() { let _ = format!(\"{:?}\", crate::emit::c::C); }"),
                ("emit/c.rs", "pub struct C; fn g() -> super::A { super::A }"),
            ],
        );
        let problems = krate.cycles();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("import cycle in generator::emit: a → b → c → a"), "{}", problems[0]);
        assert!(problems[0].contains("b → c: "), "{}", problems[0]);
    }

    #[test]
    fn stages_import_one_way_and_tests_and_quoted_code_do_not_count() {
        let krate = scratch(
            "stages",
            &[
                ("lib.rs", "pub mod diagnostics; pub mod load; pub mod model; pub mod emit; pub struct Options; pub fn generate() {}"),
                ("diagnostics.rs", "pub struct Error;"),
                ("load.rs", "use crate::diagnostics::Error; use crate::Options; #[cfg(test)] mod tests { use crate::emit::E; }"),
                ("model.rs", "pub struct Api; fn f() { crate::emit::E; } fn g() { crate::generate() }"),
                ("emit.rs", "pub struct E; fn f() { quote::quote!(crate::load::Schema); }"),
            ],
        );
        let problems = krate.stage_order();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("generator::model imports generator::emit"), "{}", problems[0]);
        assert!(problems[1].starts_with("generator::model imports generator::lib"), "{}", problems[1]);
        assert!(krate.cycles().is_empty());
    }

    #[test]
    fn code_crates_belong_to_emit_and_write() {
        let krate = scratch(
            "code",
            &[
                ("lib.rs", "pub mod model; pub mod emit;"),
                ("model.rs", "use syn::Ident;"),
                ("emit.rs", "use quote::quote;"),
            ],
        );
        let problems = krate.stage_order();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("generator::model uses syn"), "{}", problems[0]);
    }

    /// The check itself on this workspace: CI runs `cargo xtask layers`, and this test joins it
    /// once the refactor that breaks today's cycles has landed.
    #[test]
    fn generator_and_runtime_are_layered() {
        let problems = check(&workspace_crates(&workspace_root()).unwrap());
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
