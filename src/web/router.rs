//! The route table: every path the server answers, in one place.

use actix_web::http::Method;
use actix_web::web;

use super::{
    account, assets, authorize, consent, demo, developers, discovery, docs, health, home,
    introspect, jwks, login, logout, matrix, poco, register, revoke, signup, token, userinfo,
    widgets_demo,
};

/// Authorization endpoint.
pub const AUTHORIZE: &str = "/oauth/authorize";
/// Token endpoint.
pub const TOKEN: &str = "/oauth/token";
/// Revocation endpoint (RFC 7009).
pub const REVOKE: &str = "/oauth/revoke";
/// Introspection endpoint (RFC 7662).
pub const INTROSPECT: &str = "/oauth/introspect";
/// VZ's authorization path, served by the same handler.
pub const VZ_AUTHORIZE: &str = "/OAuth2/Authorize/";
/// VZ's token path, served by the same handler.
pub const VZ_TOKEN: &str = "/OAuth2/AccessToken/";
/// The signed-in user's own PoCo record.
pub const POCO_ME_SELF: &str = "/poco/@me/@self";
/// A PoCo record by subject (the VZ `user_id` URL).
pub const POCO_SUB_SELF: &str = "/poco/{sub}/@self";
/// The PoCo base URL: the signed-in user's contacts.
pub const POCO_BASE: &str = "/poco";
/// The signed-in user's contacts.
pub const POCO_ALL: &str = "/poco/@me/@all";
/// One contact.
pub const POCO_CONTACT: &str = "/poco/@me/@all/{id}";
/// XRDS-Simple discovery of the PoCo service (Draft C §4).
pub const XRDS: &str = "/xrds";
/// OpenID Connect UserInfo.
pub const USERINFO: &str = "/userinfo";
/// The public signing keys (JWKS).
pub const JWKS: &str = "/jwks.json";
/// OpenID Connect Discovery.
pub const OPENID_CONFIGURATION: &str = "/.well-known/openid-configuration";
/// RFC 8414 authorization server metadata.
pub const OAUTH_METADATA: &str = "/.well-known/oauth-authorization-server";
/// MSC1960: minting widget credentials (Matrix client-server API, both versions).
pub const MATRIX_REQUEST_TOKEN_V3: &str = "/_matrix/client/v3/user/{user_id}/openid/request_token";
/// The same, at the older `r0` path.
pub const MATRIX_REQUEST_TOKEN_R0: &str = "/_matrix/client/r0/user/{user_id}/openid/request_token";
/// MSC1960: a widget backend verifies a credential.
pub const MATRIX_USERINFO: &str = "/_matrix/federation/v1/openid/userinfo";
/// Matrix server discovery.
pub const MATRIX_WELL_KNOWN: &str = "/.well-known/matrix/server";
/// The widgets a user allowed, and revoking them.
pub const WIDGETS: &str = "/widgets";
/// One allowed widget.
pub const WIDGET: &str = "/widgets/{id}";
/// The playground (live in demo mode).
pub const PLAYGROUND: &str = "/docs/playground";
/// The bundled documentation.
pub const DOCS: &str = "/docs";
/// One page of it.
pub const DOCS_PAGE: &str = "/docs/{page}";
/// The live widget sign-in demo (with `serve --demo`).
pub const WIDGETS_DEMO: &str = "/docs/widgets";
/// The demo's example widget.
pub const DEMO_WIDGET: &str = "/demo/widget";
/// The demo site's backend that mints widget credentials.
pub const DEMO_WIDGET_CREDENTIALS: &str = "/demo/widget/credentials";
/// The example widget's backend that verifies them.
pub const DEMO_WIDGET_VERIFY: &str = "/demo/widget/verify";
/// Dynamic client registration (RFC 7591).
pub const REGISTER: &str = "/register";
/// One registration (RFC 7592).
pub const REGISTRATION: &str = "/register/{client_id}";
/// The developer portal.
pub const DEVELOPERS: &str = "/developers";
/// The person's own page.
pub const ACCOUNT: &str = "/account";
/// Creating an account.
pub const SIGNUP: &str = "/signup";
/// The email verification link.
pub const VERIFY_EMAIL: &str = "/verify-email";
/// Asking for a new email verification link.
pub const RESEND_VERIFICATION: &str = "/verify-email/resend";
/// Asking for a password reset link.
pub const PASSWORD_FORGOT: &str = "/password/forgot";
/// The password reset link.
pub const PASSWORD_RESET: &str = "/password/reset";
/// The sign-in page.
pub const LOGIN: &str = "/login";
/// The sign-out page.
pub const LOGOUT: &str = "/logout";
/// The consent page.
pub const CONSENT: &str = "/consent";
/// The demo client's redirect URI.
pub const DEMO_CALLBACK: &str = "/demo/callback";

/// Registers every route.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home::home_get))
        .route("/healthz", web::get().to(health::healthz_get))
        .route("/readyz", web::get().to(health::readyz_get))
        .route("/static/{file:.*}", web::get().to(assets::static_get))
        .route(AUTHORIZE, web::get().to(authorize::authorize_get))
        .route(AUTHORIZE, web::post().to(authorize::authorize_post))
        .route(VZ_AUTHORIZE, web::get().to(authorize::authorize_get))
        .route(VZ_AUTHORIZE, web::post().to(authorize::authorize_post))
        .route(TOKEN, web::post().to(token::token_post))
        .route(VZ_TOKEN, web::post().to(token::token_post))
        .route(REVOKE, web::post().to(revoke::revoke_post))
        .route(INTROSPECT, web::post().to(introspect::introspect_post))
        .route(POCO_ME_SELF, web::get().to(poco::poco_me_self))
        .route(POCO_ME_SELF, web::post().to(poco::poco_me_self))
        .route(POCO_ALL, web::get().to(poco::poco_all))
        .route(POCO_ALL, web::post().to(poco::poco_all))
        .route(POCO_BASE, web::get().to(poco::poco_all))
        .route(POCO_CONTACT, web::get().to(poco::poco_contact))
        .route(POCO_CONTACT, web::post().to(poco::poco_contact))
        .route(POCO_SUB_SELF, web::get().to(poco::poco_sub_self))
        .route(POCO_SUB_SELF, web::post().to(poco::poco_sub_self))
        .route(XRDS, web::get().to(home::xrds_get))
        .route(LOGIN, web::get().to(login::login_get))
        .route(LOGIN, web::post().to(login::login_post))
        .route(LOGOUT, web::get().to(logout::logout_get))
        .route(LOGOUT, web::post().to(logout::logout_post))
        .route(CONSENT, web::get().to(consent::consent_get))
        .route(CONSENT, web::post().to(consent::consent_post))
        .route(USERINFO, web::get().to(userinfo::userinfo_get))
        // The same handler: with POST the token may come in the form body.
        .route(USERINFO, web::post().to(userinfo::userinfo_get))
        .route(JWKS, web::get().to(jwks::jwks_get))
        .route(
            OPENID_CONFIGURATION,
            web::get().to(discovery::discovery_get),
        )
        .route(OAUTH_METADATA, web::get().to(discovery::discovery_get))
        .route(DEMO_CALLBACK, web::get().to(demo::demo_callback_get))
        .route(REGISTER, web::post().to(register::register_post))
        .route(REGISTRATION, web::get().to(register::registration_get))
        .route(REGISTRATION, web::put().to(register::registration_put))
        .route(
            REGISTRATION,
            web::delete().to(register::registration_delete),
        )
        .route(DEVELOPERS, web::get().to(developers::developers_get))
        .route(DEVELOPERS, web::post().to(developers::developers_post))
        .route(
            "/developers/{client_id}",
            web::get().to(developers::client_get),
        )
        .route(
            "/developers/{client_id}",
            web::post().to(developers::client_post),
        )
        .route(
            "/developers/{client_id}/secret",
            web::post().to(developers::rotate_post),
        )
        .route(
            "/developers/{client_id}/delete",
            web::post().to(developers::delete_post),
        )
        .route(ACCOUNT, web::get().to(account::account_get))
        .route("/account/profile", web::post().to(account::profile_post))
        .route("/account/password", web::post().to(account::password_post))
        .route(
            "/account/apps/disconnect",
            web::post().to(account::disconnect_post),
        )
        .route(
            "/account/widgets/forget",
            web::post().to(account::forget_widget_post),
        )
        .route(
            "/account/sessions/end",
            web::post().to(account::end_sessions_post),
        )
        .route(SIGNUP, web::get().to(signup::signup_get))
        .route(SIGNUP, web::post().to(signup::signup_post))
        .route(VERIFY_EMAIL, web::get().to(signup::verify_email_get))
        .route(
            RESEND_VERIFICATION,
            web::post().to(signup::resend_verification_post),
        )
        .route(PASSWORD_FORGOT, web::get().to(signup::forgot_get))
        .route(PASSWORD_FORGOT, web::post().to(signup::forgot_post))
        .route(PASSWORD_RESET, web::get().to(signup::reset_get))
        .route(PASSWORD_RESET, web::post().to(signup::reset_post));
    for path in [MATRIX_REQUEST_TOKEN_V3, MATRIX_REQUEST_TOKEN_R0] {
        cfg.route(path, web::post().to(matrix::request_token_post));
    }
    cfg.route(
        MATRIX_USERINFO,
        web::get().to(matrix::federation_userinfo_get),
    )
    .route(
        MATRIX_WELL_KNOWN,
        web::get().to(matrix::well_known_server_get),
    )
    .route(WIDGETS, web::get().to(matrix::widgets_get))
    .route(WIDGETS, web::delete().to(matrix::widgets_delete))
    .route(WIDGET, web::delete().to(matrix::widget_delete))
    .route(WIDGETS_DEMO, web::get().to(widgets_demo::widgets_demo_get))
    .route(DEMO_WIDGET, web::get().to(widgets_demo::demo_widget_get))
    .route(
        DEMO_WIDGET_CREDENTIALS,
        web::post().to(widgets_demo::demo_credentials_post),
    )
    .route(
        DEMO_WIDGET_VERIFY,
        web::get().to(widgets_demo::demo_widget_verify_get),
    )
    .route(PLAYGROUND, web::get().to(docs::playground_get))
    .route(DOCS, web::get().to(docs::docs_index_get))
    .route(DOCS_PAGE, web::get().to(docs::docs_page_get));
    for path in [
        MATRIX_REQUEST_TOKEN_V3,
        MATRIX_REQUEST_TOKEN_R0,
        MATRIX_USERINFO,
        MATRIX_WELL_KNOWN,
        WIDGETS,
        WIDGET,
    ] {
        cfg.route(
            path,
            web::method(Method::OPTIONS).to(matrix::cors_preflight),
        );
    }
}

/// The login page that returns to `return_to` afterwards, the username pre-filled with
/// `login_hint` if given.
pub fn login_url(return_to: &str, login_hint: Option<&str>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("return_to", return_to);
    if let Some(hint) = login_hint {
        query.append_pair("login_hint", hint);
    }
    format!("{LOGIN}?{}", query.finish())
}

/// `return_to` if it is a path on this server, else `/` (no open redirect via login).
pub fn safe_return_to(return_to: Option<&str>) -> &str {
    match return_to {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(|c| c.is_control()) =>
        {
            path
        }
        _ => "/",
    }
}

/// The demo client's redirect URI for this issuer.
pub fn demo_redirect_uri(issuer: &str) -> String {
    format!("{issuer}{DEMO_CALLBACK}")
}

#[cfg(test)]
mod tests {
    use super::safe_return_to;

    #[test]
    fn return_to_must_stay_on_this_server() {
        assert_eq!(
            safe_return_to(Some("/oauth/authorize?x=1")),
            "/oauth/authorize?x=1"
        );
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "evil",
        ] {
            assert_eq!(safe_return_to(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_return_to(None), "/");
    }
}
