//! Rust names for things the document names freely.

use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};

/// The keywords of Rust 2024, the edition generated crates are written in: every strict keyword
/// and every reserved one (`gen` is new in 2024; `try`, `async`, `await` and `dyn` in 2018). The
/// one list the generator has: the model refuses a name the user chooses that is one, the
/// emitter writes one as a raw identifier (`r#type`), and a package whose crate would be one gets
/// another name. Weak keywords (`union`, `raw`, `safe`, `macro_rules`) are left out: they are
/// identifiers wherever a generated name goes. The strict keywords come first, the reserved ones
/// from `abstract` on.
pub const RUST_KEYWORDS: [&str; 52] = [
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box",
    "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Keywords that cannot even be raw identifiers: these get a trailing `_`.
const NOT_RAW: [&str; 5] = ["self", "Self", "super", "crate", "_"];

/// Keeps letters, digits and `_`; everything else separates words.
fn words(raw: &str) -> String {
    let cleaned: Vec<char> = raw.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
    plural_acronyms(&cleaned).trim().to_owned()
}

/// `IPs`, `URLs`, `APIs` → `Ips`, `Urls`, `Apis`: otherwise the plural `s` would start a word
/// (`i_ps`, `ur_ls`).
fn plural_acronyms(chars: &[char]) -> String {
    let mut out = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..].iter().take_while(|c| c.is_ascii_uppercase()).count();
        let plural = run >= 2
            && chars.get(i + run) == Some(&'s')
            && !chars.get(i + run + 1).is_some_and(|c| c.is_ascii_lowercase());
        if plural {
            out.push(chars[i]);
            out.extend(chars[i + 1..i + run].iter().map(|c| c.to_ascii_lowercase()));
            out.push('s');
            i += run + 1;
        } else {
            out.extend(&chars[i..i + run.max(1)]);
            i += run.max(1);
        }
    }
    out
}

fn not_digit_first(name: String, prefix: &str) -> String {
    match name.chars().next() {
        None => prefix.trim_end_matches('_').to_owned(),
        Some(c) if c.is_ascii_digit() => format!("{prefix}{name}"),
        Some(_) => name,
    }
}

fn not_reserved(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// Whether `name` is an ASCII Rust identifier (not `_`). Keywords pass: ask [`RUST_KEYWORDS`]
/// too when one may not be used.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
}

/// `io.k8s.api.apps.v1.Deployment` → `IoK8sApiAppsV1Deployment`, `secret-request` → `SecretRequest`.
pub fn type_name(raw: &str) -> String {
    not_reserved(not_digit_first(words(raw).to_upper_camel_case(), "T"))
}

/// `mount_path`, `@odata.id` → `odata_id`, `page[size]` → `page_size`, `X-Request-ID` → `x_request_id`.
/// Keywords are kept (`type`); the emitter writes them as raw identifiers.
pub fn field_name(raw: &str) -> String {
    not_reserved(not_digit_first(words(raw).to_snake_case(), "n_"))
}

/// `createJobSecret` → `create_job_secret`.
pub fn method_name(raw: &str) -> String {
    field_name(raw)
}

/// `Job Secret` → `job-secret`: a cargo feature name (ASCII letters, digits and `-`).
pub fn feature_name(raw: &str) -> String {
    let name = words(raw).to_kebab_case();
    if name.is_empty() {
        "tag".to_owned()
    } else {
        name
    }
}

/// Picks `base`, or `base2`, `base3`… — the first that `taken` does not hold — and records it.
pub fn unique(base: String, taken: &mut std::collections::HashSet<String>, separator: &str) -> String {
    if taken.insert(base.clone()) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}{separator}{n}"))
        .find(|candidate| taken.insert(candidate.clone()))
        .expect("an unbounded range always yields a free name")
}

/// The cargo package name for a document whose file is called `stem`, as a package that is
/// `suffix` (`client`, `contract`; or nothing): `Pet Store.v2` and `client` → `pet-store-v2-client`.
/// Every place that names a package after a file calls this, so that they all agree.
///
/// ASCII letters and digits are kept, in lower case, and every other character becomes `-`
/// (none is left at either end). Cargo wants a name that starts with a letter, so `api-` goes in
/// front of one that would not (`2024.yaml` → `api-2024-client`); and a name whose crate would be
/// a Rust keyword gets `-api` after it (`box.json` → `box-api`), since `use box::…` cannot compile.
pub fn package_name(stem: &str, suffix: &str) -> String {
    let name: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let name = name.trim_matches('-');
    let name = match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => name.to_owned(),
        Some(_) => format!("api-{name}"),
        None => "api".to_owned(),
    };
    let name = if suffix.is_empty() { name } else { format!("{name}-{suffix}") };
    if RUST_KEYWORDS.contains(&crate_ident(&name).as_str()) {
        format!("{name}-api")
    } else {
        name
    }
}

/// The identifier Rust code names a package's library by: cargo's, `-` → `_`
/// (`qovery-secrets` → `qovery_secrets`).
pub fn crate_ident(package: &str) -> String {
    package.replace('-', "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names() {
        assert_eq!(type_name("io.k8s.api.apps.v1.Deployment"), "IoK8sApiAppsV1Deployment");
        assert_eq!(type_name("APIVariableScopeEnum"), "ApiVariableScopeEnum");
        assert_eq!(type_name("secret-request"), "SecretRequest");
        assert_eq!(type_name("200_response"), "T200Response");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(type_name("***"), "T");
        assert_eq!(type_name("IPs"), "Ips");
        assert_eq!(type_name("ListURLsByID"), "ListUrlsById");
        assert_eq!(type_name("HTTPServer"), "HttpServer");
    }

    #[test]
    fn field_names() {
        assert_eq!(field_name("mount_path"), "mount_path");
        assert_eq!(field_name("@odata.id"), "odata_id");
        assert_eq!(field_name("page[size]"), "page_size");
        assert_eq!(field_name("X-Request-ID"), "x_request_id");
        assert_eq!(field_name("type"), "type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("2fa"), "n_2fa");
        assert_eq!(field_name("$"), "n");
        assert_eq!(method_name("createJobSecret"), "create_job_secret");
        assert_eq!(method_name("listIPs"), "list_ips");
        assert_eq!(method_name("getAPIsByIDs"), "get_apis_by_ids");
        assert_eq!(method_name("HTTPSettings"), "http_settings");
        assert_eq!(field_name("PODs_count"), "pods_count");
    }

    #[test]
    fn feature_names() {
        assert_eq!(feature_name("Job Secret"), "job-secret");
        assert_eq!(feature_name("Incidents/Alerts"), "incidents-alerts");
        assert_eq!(feature_name("***"), "tag");
        assert_eq!(feature_name("OAuth2"), "o-auth2");
    }

    #[test]
    fn unique_names() {
        let mut taken = Default::default();
        assert_eq!(unique("A".into(), &mut taken, ""), "A");
        assert_eq!(unique("A".into(), &mut taken, ""), "A2");
        assert_eq!(unique("A".into(), &mut taken, ""), "A3");
    }

    #[test]
    fn package_names_from_stems_and_their_crate_identifiers() {
        assert_eq!(package_name("oai-petstore", ""), "oai-petstore");
        assert_eq!(package_name("K8s_Apps.v1", ""), "k8s-apps-v1");
        assert_eq!(package_name("box", ""), "box-api", "`box` is a reserved keyword");
        assert_eq!(package_name("gen", ""), "gen-api", "`gen` is a 2024 keyword");
        assert_eq!(package_name("box", "client"), "box-client");
        assert_eq!(package_name("_pets_", "contract"), "pets-contract");
        assert_eq!(package_name("2024", "features"), "api-2024-features");
        assert_eq!(crate_ident("qovery-secrets"), "qovery_secrets");
    }
}
