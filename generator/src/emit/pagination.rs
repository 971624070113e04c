//! The two methods a paginated operation gets beside its plain one: `<op>_pages`, the request
//! the plain method sends handed to the runtime's paginator with how the next page is asked
//! for, and `<op>_stream`, the items of those pages. Each reads the page through closures that
//! name its fields, as one would write them by hand.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{code, doc};
use super::request::request;
use super::rust::ident;
use super::signature::{apis_type, Signature};
use crate::model::{Api, FieldPath, FieldStep, PageEnd, PageStyle, Pagination, Payload, Presence, TypeRef};

/// The `_stream` and `_pages` methods of the operation of `signature`, when it pages.
/// `errors` is its table of error statuses, `gate` the `#[cfg(…)]` its methods carry.
pub(super) fn methods(api: &Api, signature: &Signature, errors: &TokenStream, gate: &TokenStream) -> TokenStream {
    let op = signature.op;
    let (Some(paging), Payload::Json(page_type)) = (&op.pagination, &op.success.payload) else {
        return TokenStream::new();
    };
    let page = apis_type(page_type);
    let item = apis_type(&paging.item);
    // The runtime's default error body (`serde_json::Value`) goes unwritten, as in `Result<T>`.
    let error = op.error_type.as_ref().map(|ty| {
        let ty = apis_type(ty);
        quote!(, #ty)
    });
    let (stream_fn, pages_fn) = (ident(&paging.stream_fn), ident(&paging.pages_fn));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    // The stream method of a deprecated operation calls its deprecated pages method.
    let calls_deprecated = op.deprecated.then(|| quote!(#[allow(deprecated)]));
    let generics = signature.generics();
    let args = signature.arguments();
    let forwarded = forwarded(signature);
    let request = request(api, op, false);
    let how = paging_call(api, paging, &page);
    let items = take_items(&paging.items);
    let stream_docs = doc(&stream_docs(op.fn_name.as_str(), paging));
    let pages_docs = doc(&pages_docs(op.fn_name.as_str(), paging));
    quote! {
        #stream_docs
        #gate
        #deprecated
        #calls_deprecated
        pub fn #stream_fn #generics (&self, #(#args),*) -> apigen_runtime::Items<'a, #item #error> {
            self.#pages_fn(#(#forwarded),*).items(|page| #items)
        }

        #pages_docs
        #gate
        #deprecated
        pub fn #pages_fn #generics (&self, #(#args),*) -> apigen_runtime::Pages<'a, #page #error> {
            self.client
                .#request
                .pages(#errors, #how)
        }
    }
}

/// The arguments as the `_stream` method passes them on: by name.
fn forwarded(signature: &Signature) -> Vec<TokenStream> {
    let mut names: Vec<TokenStream> = signature
        .positional
        .iter()
        .map(|arg| {
            let name = ident(&arg.param.name);
            quote!(#name)
        })
        .collect();
    if signature.body.is_some() {
        names.push(quote!(body));
    }
    if signature.options.is_some() {
        names.push(quote!(options));
    }
    names
}

/// `apigen_runtime::Paging::…(…)`: how the next page is asked for.
fn paging_call(api: &Api, paging: &Pagination, page: &TokenStream) -> TokenStream {
    match &paging.style {
        PageStyle::Cursor { param, cursor, first_only } => {
            let cursor = owned_text(api, reach(quote!(page), &cursor.0), last_type(cursor));
            let first_only = (!first_only.is_empty()).then(|| quote!(.first_page_only(&[#(#first_only),*])));
            quote!(apigen_runtime::Paging::cursor(#param, |page: &#page| Some(#cursor)) #first_only)
        }
        PageStyle::AfterLast { param, has_more, id } => {
            let more = flag(&has_more.0, true);
            let last = reach(quote!(page), &paging.items.0);
            let id = owned_text(api, reach(quote!(#last.last()?), std::slice::from_ref(id)), Some(&id.ty));
            quote!(apigen_runtime::Paging::cursor(#param, |page: &#page| if #more { Some(#id) } else { None }))
        }
        PageStyle::NextUrl { next } => {
            let next = owned_text(api, reach(quote!(page), &next.0), last_type(next));
            quote!(apigen_runtime::Paging::next_url(|page: &#page| Some(#next)))
        }
        PageStyle::LinkHeader => quote!(apigen_runtime::Paging::link_header()),
        PageStyle::Offset { param, size, end } => {
            let size = size_arg(size);
            let progress = progress(paging, end);
            quote!(apigen_runtime::Paging::offset(#param, #size, |page: &#page| #progress))
        }
        PageStyle::PageNumber { param, first, size, end } => {
            let size = size_arg(size);
            let progress = progress(paging, end);
            let first = proc_macro2::Literal::u64_unsuffixed(*first);
            quote!(apigen_runtime::Paging::page_number(#param, #first, #size, |page: &#page| #progress))
        }
    }
}

fn size_arg(size: &Option<String>) -> TokenStream {
    match size {
        Some(size) => quote!(Some(#size)),
        None => quote!(None),
    }
}

/// The fields `steps` from `base`, for a closure that returns an `Option`: an optional field is
/// unwrapped with `?` (`page.meta.as_ref()?.next`).
fn reach(base: TokenStream, steps: &[FieldStep]) -> TokenStream {
    steps.iter().fold(base, |reached, step| {
        let field = ident(&step.name);
        match step.presence {
            Presence::Always => quote!(#reached.#field),
            Presence::Option => quote!(#reached.#field.as_ref()?),
            Presence::Nullable => quote!(#reached.#field.value()?),
        }
    })
}

/// A cursor or URL (of type `ty`) as a `String`: cloned when it is one, written out otherwise.
fn owned_text(api: &Api, value: TokenStream, ty: Option<&TypeRef>) -> TokenStream {
    match ty.map(|ty| api.unaliased(ty)) {
        Some(TypeRef::String) => quote!(#value.clone()),
        _ => quote!(#value.to_string()),
    }
}

fn last_type(path: &FieldPath) -> Option<&TypeRef> {
    path.0.last().map(|step| &step.ty)
}

/// The page's items taken out of it (`page.items`, an absent list as none).
fn take_items(items: &FieldPath) -> TokenStream {
    let Some((last, before)) = items.0.split_last() else { return quote!(page) };
    let path = before.iter().chain([last]).map(|step| ident(&step.name));
    let taken = quote!(page #(.#path)*);
    match last.presence {
        Presence::Always => taken,
        Presence::Option => quote!(#taken.unwrap_or_default()),
        Presence::Nullable => quote!(#taken.into_option().unwrap_or_default()),
    }
}

/// How many items the page holds, as a `usize`.
fn count_items(items: &FieldPath) -> TokenStream {
    match optional(items) {
        None => quote!(page.len()),
        Some((value, Presence::Always)) => quote!(#value.len()),
        Some((value, _)) => quote!(#value.map_or(0, Vec::len)),
    }
}

/// `steps` from `page` as an `Option<&T>` (or, for one field always there, the field itself
/// and [`Presence::Always`]); `None` for no steps.
fn optional(path: &FieldPath) -> Option<(TokenStream, Presence)> {
    let (first, rest) = path.0.split_first()?;
    let name = ident(&first.name);
    if rest.is_empty() && first.presence == Presence::Always {
        return Some((quote!(page.#name), Presence::Always));
    }
    let start = match first.presence {
        Presence::Always => quote!(Some(&page.#name)),
        Presence::Option => quote!(page.#name.as_ref()),
        Presence::Nullable => quote!(page.#name.value()),
    };
    let chain = rest.iter().fold(start, |chain, step| {
        let field = ident(&step.name);
        match step.presence {
            Presence::Always => quote!(#chain.map(|v| &v.#field)),
            Presence::Option => quote!(#chain.and_then(|v| v.#field.as_ref())),
            Presence::Nullable => quote!(#chain.and_then(|v| v.#field.value())),
        }
    });
    Some((chain, Presence::Option))
}

/// Whether the boolean at `steps` is `value` (`page.has_more`, `page.is_last == Some(true)`).
fn flag(steps: &[FieldStep], value: bool) -> TokenStream {
    match optional(&FieldPath(steps.to_vec())) {
        Some((field, Presence::Always)) if value => field,
        Some((field, Presence::Always)) => quote!(!#field),
        Some((field, _)) => quote!(#field == Some(&#value)),
        None => quote!(false),
    }
}

/// `apigen_runtime::Progress::items(…)` with what the page says of its end.
fn progress(paging: &Pagination, end: &PageEnd) -> TokenStream {
    let count = count_items(&paging.items);
    let last = end.last.as_ref().map(|(path, value)| {
        let flag = flag(&path.0, *value);
        quote!(.last(#flag))
    });
    let total = end.total.as_ref().map(|path| match (path.0.as_slice(), optional(path)) {
        // A number is `Copy`: an `Option` of one is passed as it is.
        ([only], _) if only.presence == Presence::Option => {
            let name = ident(&only.name);
            quote!(.total(page.#name))
        }
        (_, Some((total, Presence::Always))) => quote!(.total(Some(#total))),
        (_, Some((total, _))) => quote!(.total(#total.copied())),
        (_, None) => TokenStream::new(),
    });
    quote!(apigen_runtime::Progress::items(#count) #last #total)
}

fn stream_docs(fn_name: &str, paging: &Pagination) -> String {
    format!(
        "The items of [`{fn_name}`](Self::{fn_name}) across all its pages, as a stream: one page is \
         fetched at a time, when the items before it have been read.\n\n\
         The arguments are those of `{fn_name}`, sent with every page (a page size among them is \
         honoured). {}\n\n\
         The stream ends after the last page. A page that fails ends it with that error, after the \
         items of the pages before; a server that gives the same cursor twice, or a next page on \
         another host, ends it with [`Error::Pagination`](crate::Error::Pagination).",
        how(paging)
    )
}

fn pages_docs(fn_name: &str, paging: &Pagination) -> String {
    format!(
        "The pages of [`{fn_name}`](Self::{fn_name}) as a stream, each whole (its items and every \
         other field): see [`{}`](Self::{}), which gives their items.",
        paging.stream_fn, paging.stream_fn
    )
}

/// How the next page is asked for, in words, and what said so.
fn how(paging: &Pagination) -> String {
    let said = match paging.source.as_str() {
        "convention" => "as the document's fields say".to_owned(),
        source => format!("as {} declares", code(source)),
    };
    let how = match &paging.style {
        PageStyle::Cursor { param, cursor, first_only } => {
            let first_only = match first_only.as_slice() {
                [] => String::new(),
                names => format!(
                    " (which carries {}: they go with the first page only)",
                    names.iter().map(|n| code(n)).collect::<Vec<_>>().join(", ")
                ),
            };
            format!(
                "Each next page is asked for with {} set to the page's {}{first_only}",
                code(param),
                code(&cursor.wire())
            )
        }
        PageStyle::AfterLast { param, has_more, id } => format!(
            "While {} is true, the next page is asked for with {} set to the last item's {}",
            code(&has_more.wire()),
            code(param),
            code(&id.wire)
        ),
        PageStyle::NextUrl { next } => format!("Each next page is the page's {} URL", code(&next.wire())),
        PageStyle::LinkHeader => "Each next page is the response's `Link: <…>; rel=\"next\"` URL".to_owned(),
        PageStyle::Offset { param, .. } => {
            format!("Each next page starts where the last ended: {} advanced by the items received", code(param))
        }
        PageStyle::PageNumber { param, .. } => format!("Each next page is the next page number, {}", code(param)),
    };
    format!("{how}, {said}.")
}
