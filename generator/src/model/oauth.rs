//! OAuth2 in the model: which flows of a scheme the client can get tokens from by itself, and
//! which scopes an operation's security asks for (what the token it sends must carry).

use super::ir::SchemeKind;
use crate::load::{OAuthFlows, SecurityRequirement, SecurityScheme};
use crate::resolve::Resolved;

/// The scheme's kind: tokens from its flows when it has a `clientCredentials` flow or one that
/// refreshes (`authorizationCode`, `password`), else a bearer token the user brings.
pub fn scheme_kind(flows: &OAuthFlows) -> SchemeKind {
    let client_credentials = flows.client_credentials.as_ref().and_then(|f| f.token_url.clone());
    // A refresh token is exchanged at `refreshUrl`, or at `tokenUrl` when the flow gives none.
    let refresh = [&flows.authorization_code, &flows.password]
        .into_iter()
        .flatten()
        .find_map(|flow| flow.refresh_url.clone().or_else(|| flow.token_url.clone()));
    if client_credentials.is_none() && refresh.is_none() {
        return SchemeKind::Bearer { format: None };
    }
    SchemeKind::OAuth2 { client_credentials, refresh }
}

/// The scopes the requirements list for OAuth2 and OpenID Connect schemes, each once, in
/// document order. Other schemes' lists (3.1 allows roles there) are not scopes of a token.
pub fn scopes(resolved: &Resolved<'_>, requirements: &[SecurityRequirement]) -> Vec<String> {
    let is_token_scheme = |name: &str| {
        resolved.security_schemes.iter().any(|(scheme, located)| {
            scheme == name
                && matches!(located.value, SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIdConnect { .. })
        })
    };
    let mut scopes: Vec<String> = Vec::new();
    for requirement in requirements {
        for (scheme, listed) in requirement {
            if is_token_scheme(scheme) {
                for scope in listed {
                    if !scopes.contains(scope) {
                        scopes.push(scope.clone());
                    }
                }
            }
        }
    }
    scopes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::OAuthFlow;

    fn flow(token: Option<&str>, refresh: Option<&str>) -> Option<OAuthFlow> {
        Some(OAuthFlow { token_url: token.map(Into::into), refresh_url: refresh.map(Into::into), scopes: Vec::new() })
    }

    #[test]
    fn flows_the_client_can_use_by_itself() {
        let flows = OAuthFlows { client_credentials: flow(Some("https://t"), None), ..OAuthFlows::default() };
        assert_eq!(
            scheme_kind(&flows),
            SchemeKind::OAuth2 { client_credentials: Some("https://t".into()), refresh: None }
        );
        let flows =
            OAuthFlows { authorization_code: flow(Some("https://t"), Some("https://r")), ..OAuthFlows::default() };
        assert_eq!(
            scheme_kind(&flows),
            SchemeKind::OAuth2 { client_credentials: None, refresh: Some("https://r".into()) }
        );
        let flows = OAuthFlows { password: flow(Some("/token"), None), ..OAuthFlows::default() };
        assert_eq!(
            scheme_kind(&flows),
            SchemeKind::OAuth2 { client_credentials: None, refresh: Some("/token".into()) }
        );
        // Implicit only (not read): a token the user brings.
        assert_eq!(scheme_kind(&OAuthFlows::default()), SchemeKind::Bearer { format: None });
    }
}
