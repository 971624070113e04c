//! Documents split over files: every `$ref` to another file is followed here, and what it
//! points at is copied into the root file's tree, so that the stages after `load` read one
//! document and know nothing of files.
//!
//! Why copy into `components` rather than teach `resolve` about several documents: the model
//! names a type after the component it is, so a schema in `schemas/Pet.yaml` copied to
//! `#/components/schemas/Pet` is the type `Pet`, exactly as if the document had been written
//! in one file, and every later stage (and its tests) stays as it is. Each referenced place
//! (file, pointer) is copied once, however many references name it, and each reference is
//! rewritten to the copy: two references to one schema are one type, and a reference cycle
//! across files (`a.yaml` → `b.yaml` → `a.yaml`) is a cycle between two components.
//!
//! A root entry that is nothing but such a reference (`Pet: {$ref: schemas/Pet.yaml}` among the
//! component schemas, `/pets: {$ref: paths/pets.yaml}` among the paths) is replaced by what it
//! points at, so that the component keeps its own name and the path item its place.
//!
//! A place inside another referenced place is not copied again but named inside the copy of the
//! outer one (`pet.yaml#/$defs/Tag` with `pet.yaml` copied as `Pet` is
//! `#/components/schemas/Pet/$defs/Tag`), so that no schema exists twice.
//!
//! [`Sources`] remembers where each copy came from, and turns a pointer into the bundled tree
//! back into the file and pointer the user wrote: `schemas/pet.yaml#/properties/tag`.
//!
//! What is followed: the `$ref`s of path items, operations, parameters, request bodies,
//! responses, headers, media types, security schemes and schemas (and discriminator mappings),
//! found by walking the OpenAPI structure, so that a `$ref` written in an example, a default or
//! an extension stays data. Examples, links and callbacks are not generated, and are not followed.
//! Inside a schema with `$id`, references are left to the reader, which resolves them against
//! that `$id` as JSON Schema says. Absolute paths and `file:` URIs are read as files; `http:`
//! and `https:` references are refused, since nothing is fetched at generation time.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use serde_json::{Map, Value};

use super::sources::Sources;
use super::tree::parse_value;
use super::uri;
use super::walk::{fits_plain, walk, Found, Kind};
use crate::diagnostics::Error;
use crate::pointer::{percent_decode, Pointer};

/// What a reference becomes in the bundled tree.
#[derive(Clone, Debug)]
enum Rewrite {
    /// A place in the root file.
    Root(Pointer),
    /// The `n`th place copied from another file.
    Target(usize),
    /// A plain value (a description in another file) put where its `$ref` was.
    Value(Value),
}

struct File {
    /// As opened: relative references are joined to its directory.
    path: PathBuf,
    /// As shown in messages: the root as given, the others joined to it and tidied.
    display: PathBuf,
    value: Value,
}

struct Target {
    file: usize,
    pointer: Pointer,
    kind: Kind,
}

struct Bundler {
    /// The root is file 0.
    files: Vec<File>,
    /// Files by what they are (each read once, however it is reached) …
    by_key: HashMap<FileKey, usize>,
    /// … and by the path they were opened as.
    by_path: HashMap<PathBuf, usize>,
    targets: Vec<Target>,
    by_place: HashMap<(usize, Pointer), usize>,
    /// For each file, the references to rewrite, by the pointer of their text.
    rewrites: Vec<BTreeMap<Pointer, Rewrite>>,
    /// The root's `$self` (3.2), the base of its references, or `""`.
    base: String,
    /// Every schema resource the root names with `$id` (and `$self`): references to them are
    /// not to files.
    resources: HashSet<String>,
}

type Result<T> = std::result::Result<T, Error>;

/// Bundles the document whose root file is `root` (already read into `value`): the tree with
/// every reference to another file followed, and where its parts came from.
pub(super) fn bundle(root: &Path, mut value: Value) -> Result<(Value, Sources)> {
    // Most documents are one file: a look that allocates nothing is enough to tell.
    if !mentions_a_resource(&value) {
        return Ok((value, Sources::default()));
    }
    let base = value.get("$self").and_then(Value::as_str).unwrap_or_default().to_owned();
    let mut resources = HashSet::new();
    if !base.is_empty() {
        resources.insert(uri::split_fragment(&base).0.to_owned());
    }
    collect_resources(&value, &base, &mut resources);

    let mut found = Vec::new();
    walk(&value, &Pointer::root(), Kind::Document, &mut found);
    // A document without references to other files is read as it is, untouched.
    let external = |f: &Found| !f.text.starts_with('#');
    if !found.iter().any(external) {
        return Ok((value, Sources::default()));
    }

    let key = identity(root).map_or_else(|_| FileKey::Path(root.to_owned()), |(key, _)| key);
    let mut bundler = Bundler {
        files: vec![File { path: root.to_owned(), display: root.to_owned(), value: Value::Null }],
        by_key: HashMap::from([(key, 0)]),
        by_path: HashMap::from([(root.to_owned(), 0)]),
        targets: Vec::new(),
        by_place: HashMap::new(),
        rewrites: vec![BTreeMap::new()],
        base,
        resources,
    };
    // The root's tree is held here while its references are read, and given back after.
    bundler.files[0].value = std::mem::take(&mut value);
    for reference in found {
        bundler.follow(0, reference)?;
    }
    // Breadth first: each copied place is read for its own references, which may add places.
    let mut next = 0;
    while next < bundler.targets.len() {
        let target = &bundler.targets[next];
        next += 1;
        let mut found = Vec::new();
        if let Some(value) = bundler.files[target.file].value.pointer(target.pointer.as_str()) {
            walk(value, &target.pointer, target.kind, &mut found);
        }
        let file = target.file;
        for reference in found {
            bundler.follow(file, reference)?;
        }
    }
    bundler.assemble()
}

/// What makes two paths one file (through `..`, symbolic links, other spellings).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum FileKey {
    /// Device and inode: one `stat`, where resolving the whole path costs a call per folder.
    #[cfg_attr(not(unix), allow(dead_code))]
    Inode(u64, u64),
    /// The canonical path, where there are no inodes (or for the root when it cannot be read).
    Path(PathBuf),
}

/// The file's identity, and whether it is a regular file.
fn identity(path: &Path) -> std::io::Result<(FileKey, bool)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let metadata = std::fs::metadata(path)?;
        Ok((FileKey::Inode(metadata.dev(), metadata.ino()), metadata.is_file()))
    }
    #[cfg(not(unix))]
    {
        let canonical = std::fs::canonicalize(path)?;
        let is_file = std::fs::metadata(&canonical)?.is_file();
        Ok((FileKey::Path(canonical), is_file))
    }
}

/// Whether any `$ref` (or discriminator mapping) anywhere names something other than a place
/// in this document: a cheap over-approximation of what [`walk`] would find.
fn mentions_a_resource(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(key, child)| match (key.as_str(), child) {
            ("$ref", Value::String(text)) => !text.starts_with('#'),
            ("mapping", Value::Object(mapping)) => mapping
                .values()
                .any(|v| v.as_str().is_some_and(|t| !t.starts_with('#') && (t.contains('/') || t.contains('.')))),
            _ => mentions_a_resource(child),
        }),
        Value::Array(items) => items.iter().any(mentions_a_resource),
        _ => false,
    }
}

/// Every `$id` of the tree, resolved against the `$id`s around it.
fn collect_resources(value: &Value, base: &str, resources: &mut HashSet<String>) {
    match value {
        Value::Object(map) => {
            let joined;
            let base = match map.get("$id") {
                Some(Value::String(id)) => {
                    joined = uri::join(base, id);
                    resources.insert(uri::split_fragment(&joined).0.to_owned());
                    joined.as_str()
                }
                _ => base,
            };
            for child in map.values() {
                collect_resources(child, base, resources);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_resources(item, base, resources)),
        _ => {}
    }
}

impl Bundler {
    fn invalid(&self, file: usize, at: &Pointer, message: String) -> Error {
        Error::Invalid { file: self.files[file].display.clone(), pointer: at.clone(), message }
    }

    /// Works out what the reference `found`, written in `file`, points at; reads the file it
    /// names when that is new, and records how to rewrite the reference.
    fn follow(&mut self, file: usize, found: Found) -> Result<()> {
        let Found { at, text, kind } = found;
        let (resource, fragment) = uri::split_fragment(&text);
        let place = if resource.is_empty() {
            if file == 0 {
                // `#/…` in the root stays as it is.
                return Ok(());
            }
            file
        } else {
            if file == 0 {
                let absolute = uri::join(&self.base, &text);
                if self.resources.contains(uri::split_fragment(&absolute).0) {
                    return Ok(());
                }
            }
            if self.resources.contains(resource) {
                return Ok(());
            }
            let Some(path) = self.path_of(file, &at, &text, resource)? else {
                // Another scheme (`urn:`): the reader says what it makes of it.
                return Ok(());
            };
            self.open(file, &at, &text, path)?
        };
        let pointer = match fragment {
            None | Some("") => Pointer::root(),
            Some(fragment) if fragment.starts_with('/') => Pointer::from_fragment(fragment)
                .ok_or_else(|| self.invalid(file, &at, format!("`{text}`: `#{fragment}` is not a valid JSON pointer")))?,
            Some(fragment) => {
                return Err(self.invalid(
                    file,
                    &at,
                    format!("`{text}`: an anchor (`#{fragment}`) into another file is not supported; use a JSON pointer (`#/…`)"),
                ))
            }
        };
        if kind == Kind::Plain {
            // Put in place when it fits; otherwise left as written, for the reader to warn about.
            if let Some(value) = self.files[place].value.pointer(pointer.as_str()).filter(|v| fits_plain(&at, v)) {
                let value = value.clone();
                self.rewrites[file].insert(at, Rewrite::Value(value));
            }
            return Ok(());
        }
        if self.files[place].value.pointer(pointer.as_str()).is_none() {
            let mut message = format!("`{text}`: {} has nothing at {pointer}", self.files[place].display.display());
            // `#/…` in another file means that file, not the root, which is easy to forget.
            if resource.is_empty() && place != 0 && self.files[0].value.pointer(pointer.as_str()).is_some() {
                message.push_str(&format!(
                    " (the root document has: refer to it as `{}{pointer}`)",
                    self.relative_to_root(place)
                ));
            }
            return Err(self.invalid(file, &at, message));
        }
        let rewrite = if place == 0 {
            Rewrite::Root(pointer)
        } else {
            let key = (place, pointer);
            let index = match self.by_place.get(&key) {
                Some(&index) => index,
                None => {
                    let index = self.targets.len();
                    self.targets.push(Target { file: place, pointer: key.1.clone(), kind });
                    self.by_place.insert(key, index);
                    index
                }
            };
            Rewrite::Target(index)
        };
        self.rewrites[file].insert(at, rewrite);
        Ok(())
    }

    /// How `file` refers to the root file: `../openapi.yaml` from a folder below it.
    fn relative_to_root(&self, file: usize) -> String {
        let root = &self.files[0].display;
        let from = self.files[file].display.parent().unwrap_or(Path::new(""));
        let root_dir = root.parent().unwrap_or(Path::new(""));
        let name = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match from.strip_prefix(root_dir) {
            Ok(below) => format!("{}{name}", "../".repeat(below.components().count())),
            Err(_) => root.display().to_string(),
        }
    }

    /// The file a reference names, as to open it and as to show it (`None` for a scheme that
    /// is not a file).
    fn path_of(&self, file: usize, at: &Pointer, text: &str, resource: &str) -> Result<Option<(PathBuf, PathBuf)>> {
        let scheme = resource.split_once(':').map(|(s, _)| s.to_ascii_lowercase()).filter(|s| {
            // One letter is a Windows drive (`C:`), not a scheme.
            s.len() > 1 && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        });
        let decoded = |text: &str| {
            percent_decode(text)
                .ok_or_else(|| self.invalid(file, at, format!("`{text}` is not a valid URI (bad `%` escape)")))
        };
        let relative = match scheme.as_deref() {
            Some("http" | "https") => {
                return Err(self.invalid(
                    file,
                    at,
                    format!(
                        "`{text}` is a document on the network, and nothing is fetched at generation time: \
                         download it next to this file and refer to it by a relative path (or bundle the document into one file)"
                    ),
                ))
            }
            Some("file") => {
                // `file:///abs/x.yaml` or `file:/abs/x.yaml`: a local absolute path.
                let rest = &resource["file:".len()..];
                match rest.strip_prefix("//").map_or(Some(rest), |r| r.starts_with('/').then_some(r)) {
                    Some(path) => PathBuf::from(decoded(path)?),
                    None => {
                        let message = format!("`{text}` names another host; only local `file:` URIs are read");
                        return Err(self.invalid(file, at, message));
                    }
                }
            }
            Some(_) => return Ok(None),
            None => PathBuf::from(decoded(resource)?),
        };
        if relative.is_absolute() {
            return Ok(Some((relative.clone(), tidy(&relative))));
        }
        let from = &self.files[file];
        let open = from.path.parent().unwrap_or(Path::new("")).join(&relative);
        let display = tidy(&from.display.parent().unwrap_or(Path::new("")).join(&relative));
        Ok(Some((open, display)))
    }

    /// The index of the file at `path`, read now if it is new.
    fn open(&mut self, file: usize, at: &Pointer, text: &str, (path, display): (PathBuf, PathBuf)) -> Result<usize> {
        // The same words from the same folder are the same file: no need to ask the system again.
        if let Some(&index) = self.by_path.get(&path) {
            return Ok(index);
        }
        let unreadable = |e: std::io::Error| {
            self.invalid(file, at, format!("`{text}` names {}, which cannot be read: {e}", display.display()))
        };
        let (key, is_file) = identity(&path).map_err(unreadable)?;
        if let Some(&index) = self.by_key.get(&key) {
            self.by_path.insert(path, index);
            return Ok(index);
        }
        // Only regular files: a reference to `/dev/zero` or a pipe would never end.
        if !is_file {
            let message = format!("`{text}` names {}, which is not a file", display.display());
            return Err(self.invalid(file, at, message));
        }
        let contents = std::fs::read_to_string(&path).map_err(unreadable)?;
        let value = parse_value(&display, &contents)?;
        let index = self.files.len();
        self.by_path.insert(path.clone(), index);
        self.files.push(File { path, display, value });
        self.by_key.insert(key, index);
        self.rewrites.push(BTreeMap::new());
        Ok(index)
    }

    /// The bundled tree: references rewritten, and each copied place in `components`.
    fn assemble(mut self) -> Result<(Value, Sources)> {
        let mut root = std::mem::take(&mut self.files[0].value);

        // Where each place goes: a place inside another one is named inside that one's copy;
        // the others get a component of their own, named after the place.
        let mut taken: HashMap<&'static str, HashSet<String>> = HashMap::new();
        let components = root.get("components");
        if components.is_some_and(|c| !c.is_object() && !c.is_null()) {
            return Err(self.invalid(0, &Pointer::root().join("components"), "`components` must be a mapping".into()));
        }
        // The outermost other place of the same file that contains each place, if any: the
        // shortest of its pointer's prefixes that is a place.
        let outer: Vec<Option<usize>> = self
            .targets
            .iter()
            .map(|target| {
                let mut prefix = Pointer::root();
                for segment in target.pointer.segments() {
                    if let Some(&j) = self.by_place.get(&(target.file, prefix.clone())) {
                        return Some(j);
                    }
                    prefix = prefix.join(segment);
                }
                None
            })
            .collect();
        // A root entry that is only a `$ref` to another file's place (`Pet: {$ref: schemas/Pet.yaml}`
        // in `components/schemas`, `/pets: {$ref: paths/pets.yaml}` in `paths`) becomes that
        // place: the component keeps its name rather than being an alias of a copy, the path
        // item stays under its path. The first such entry, in pointer order, when several are.
        let mut in_place: HashMap<usize, Pointer> = HashMap::new();
        for (at, rewrite) in &self.rewrites[0] {
            let Rewrite::Target(t) = rewrite else { continue };
            if outer[*t].is_some() || in_place.contains_key(t) {
                continue;
            }
            let kind = self.targets[*t].kind;
            let segments: Vec<String> = at.segments().collect();
            let fits = match segments.as_slice() {
                [components, section, _, reference] => {
                    components == "components" && reference == "$ref" && section == kind.section()
                }
                [paths, _, reference] => {
                    (paths == "paths" || paths == "webhooks") && reference == "$ref" && kind == Kind::PathItem
                }
                _ => false,
            };
            let holder = at.parent().unwrap_or_default();
            let only_reference = root.pointer(holder.as_str()).and_then(Value::as_object).is_some_and(|m| m.len() == 1);
            if fits && only_reference {
                in_place.insert(*t, holder);
            }
        }

        let mut mounts: Vec<Pointer> = vec![Pointer::root(); self.targets.len()];
        // Each place copied: its index, and the new component it is, if it is not in place.
        let mut copies: Vec<(usize, Option<(&'static str, String)>)> = Vec::new();
        for (i, target) in self.targets.iter().enumerate() {
            if outer[i].is_some() {
                continue;
            }
            if let Some(holder) = in_place.get(&i) {
                mounts[i] = holder.clone();
                copies.push((i, None));
                continue;
            }
            let section = target.kind.section();
            let names = taken.entry(section).or_insert_with(|| {
                components
                    .and_then(|c| c.get(section))
                    .and_then(Value::as_object)
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default()
            });
            let (name, qualifier) = component_name(&self.files[target.file].display, &target.pointer);
            let name = unique(name, &qualifier, names);
            mounts[i] = Pointer::root().join("components").join(section).join(&name);
            copies.push((i, Some((section, name))));
        }
        for (i, target) in self.targets.iter().enumerate() {
            if let Some(j) = outer[i] {
                let rest = target.pointer.relative_to(&self.targets[j].pointer).unwrap_or_default();
                mounts[i] = mounts[j].concat(&rest);
            }
        }

        // A reference's text becomes its target's pointer; a plain value replaces the mapping
        // that held its `$ref`.
        let apply = |tree: &mut Value, at: &Pointer, rewrite: &Rewrite| {
            let (slot, value) = match rewrite {
                Rewrite::Root(pointer) => (tree.pointer_mut(at.as_str()), Value::String(pointer.to_ref())),
                Rewrite::Target(i) => (tree.pointer_mut(at.as_str()), Value::String(mounts[*i].to_ref())),
                Rewrite::Value(value) => {
                    (at.parent().and_then(|holder| tree.pointer_mut(holder.as_str())), value.clone())
                }
            };
            if let Some(slot) = slot {
                *slot = value;
            }
        };
        for (at, rewrite) in &self.rewrites[0] {
            apply(&mut root, at, rewrite);
        }

        let mut sources = Sources::default();
        let mut placed: Vec<(&'static str, String, Value)> = Vec::new();
        for (i, component) in copies {
            let target = &self.targets[i];
            let file = &self.files[target.file];
            let Some(mut copy) = file.value.pointer(target.pointer.as_str()).cloned() else { continue };
            for (at, rewrite) in self.rewrites[target.file].range(target.pointer.clone()..) {
                if !at.as_str().starts_with(target.pointer.as_str()) {
                    break;
                }
                let Some(inner) = at.relative_to(&target.pointer) else { continue };
                apply(&mut copy, &inner, rewrite);
            }
            sources.add(mounts[i].clone(), file.display.clone(), target.pointer.clone());
            match component {
                Some((section, name)) => placed.push((section, name, copy)),
                None => {
                    if let Some(slot) = root.pointer_mut(mounts[i].as_str()) {
                        *slot = copy;
                    }
                }
            }
        }

        if placed.is_empty() {
            return Ok((root, sources));
        }
        let Some(map) = root.as_object_mut() else {
            return Err(self.invalid(0, &Pointer::root(), "an OpenAPI document must be a mapping".into()));
        };
        let components = map.entry("components").or_insert_with(|| Value::Object(Map::new()));
        if components.is_null() {
            *components = Value::Object(Map::new());
        }
        for (section, name, copy) in placed {
            let Some(components) = components.as_object_mut() else { break };
            let entry = components.entry(section).or_insert_with(|| Value::Object(Map::new()));
            if entry.is_null() {
                *entry = Value::Object(Map::new());
            }
            let Some(entries) = entry.as_object_mut() else {
                let at = Pointer::root().join("components").join(section);
                return Err(self.invalid(0, &at, format!("`{section}` must be a mapping")));
            };
            entries.insert(name, copy);
        }
        Ok((root, sources))
    }
}

/// A component name for a place: its last segment (`#/components/schemas/Pet` → `Pet`), or the
/// file's name for a whole file (`schemas/Pet.yaml` → `Pet`); and a word that tells it from
/// another place of the same name: the folder of a whole file, else the file's name.
fn component_name(file: &Path, pointer: &Pointer) -> (String, String) {
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let folder = file
        .parent()
        .and_then(Path::file_name)
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| s != "..")
        .unwrap_or_default();
    match pointer.last() {
        // `parameters.yaml#/0`: a number says nothing without the file.
        Some(last) if last.chars().all(|c| c.is_ascii_digit()) => (format!("{stem}{last}"), folder),
        Some(last) if !last.is_empty() => (last, stem),
        _ if stem.is_empty() => ("Schema".to_owned(), folder),
        _ => (stem, folder),
    }
}

/// `name`; when that is taken, `qualifier_name`; then `name2`, `name3`… (places are named in
/// the order they are met, which is the same on every run).
fn unique(name: String, qualifier: &str, taken: &mut HashSet<String>) -> String {
    let qualified = format!("{qualifier}_{name}");
    let mut candidate = name.clone();
    if taken.contains(&candidate) && !qualifier.is_empty() {
        candidate = qualified;
    }
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{name}{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

/// `a/./b/../c` → `a/c`, without asking the file system (messages show paths as the user wrote them).
fn tidy(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let last_is_normal = matches!(out.components().next_back(), Some(Component::Normal(_)));
                if last_is_normal {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_tidied_as_written() {
        assert_eq!(tidy(Path::new("spec/paths/../schemas/./pet.yaml")), Path::new("spec/schemas/pet.yaml"));
        assert_eq!(tidy(Path::new("../a/../../b.yaml")), Path::new("../../b.yaml"));
        assert_eq!(tidy(Path::new("/x/../y.yaml")), Path::new("/y.yaml"));
    }

    #[test]
    fn component_names_come_from_the_pointer_or_the_file_and_stay_unique() {
        let pointer = |text: &str| Pointer::from_ref(text).unwrap();
        assert_eq!(component_name(Path::new("schemas/Pet.yaml"), &Pointer::root()), ("Pet".into(), "schemas".into()));
        assert_eq!(
            component_name(Path::new("common.yaml"), &pointer("#/components/schemas/Error")),
            ("Error".into(), "common".into())
        );
        assert_eq!(component_name(Path::new("params.yaml"), &pointer("#/3")), ("params3".into(), String::new()));
        let mut taken = HashSet::from(["Pet".to_owned()]);
        assert_eq!(unique("Pet".into(), "pets", &mut taken), "pets_Pet");
        assert_eq!(unique("Pet".into(), "pets", &mut taken), "Pet2");
        assert_eq!(unique("Pet".into(), "", &mut taken), "Pet3");
        assert_eq!(unique("Tag".into(), "pets", &mut taken), "Tag");
    }
}
