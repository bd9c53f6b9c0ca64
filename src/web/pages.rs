//! One struct per HTML page, rendered by askama from `templates/` (auto-escaped).

use askama::Template;

use super::i18n::Lang;

/// The sign-in form.
#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage<'a> {
    pub t: Lang,
    pub csrf_token: &'a str,
    pub return_to: &'a str,
    pub username: &'a str,
    pub error: Option<&'a str>,
}

/// One requested scope and what it lets the site see.
pub struct ScopeLine {
    pub name: &'static str,
    pub description: &'static str,
}

/// "Allow <site> to …?"
#[derive(Template)]
#[template(path = "consent.html")]
pub struct ConsentPage<'a> {
    pub t: Lang,
    pub csrf_token: &'a str,
    pub client_name: &'a str,
    pub client_host: &'a str,
    /// The site's logo (an https URL it registered), if any.
    pub client_logo: Option<&'a str>,
    pub client_description: Option<&'a str>,
    pub user_name: &'a str,
    pub scopes: Vec<ScopeLine>,
    pub fields: Vec<String>,
    /// Claims asked for one by one (the `claims` parameter).
    pub claims: Vec<&'a str>,
    pub message: Option<&'a str>,
    /// The authorization request, re-encoded, re-validated when the form comes back.
    pub request: &'a str,
    /// The issuer's host when the operator has not reviewed the site: the page says so.
    pub unreviewed_by: Option<&'a str>,
    /// The person's address while it is unconfirmed: no consent until it is.
    pub unconfirmed_email: Option<&'a str>,
}

/// Where "Continue" goes from the page shown before leaving for an unreviewed site.
pub enum LeaveTo<'a> {
    /// A link (a redirect the browser would have followed).
    Link(&'a str),
    /// A form POST (`response_mode=form_post`).
    Form(&'a str, &'a [(String, String)]),
}

/// Shown instead of an automatic redirect to a site the operator has not reviewed, so the
/// server cannot be used to bounce people to any site that registered itself.
#[derive(Template)]
#[template(path = "leave.html")]
pub struct LeavePage<'a> {
    pub t: Lang,
    pub site: &'a str,
    /// The destination's host.
    pub destination: &'a str,
    /// Why the site gets no answer it asked for (an error's description), if that is why.
    pub reason: Option<&'a str>,
    pub issuer_host: &'a str,
    pub next: LeaveTo<'a>,
}

/// An error a person reads (bad client, bad redirect URI, expired form).
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub t: Lang,
    pub title: &'a str,
    pub message: &'a str,
}

/// One widget a person let know who they are.
pub struct WidgetLine {
    pub id: String,
    pub url: String,
    /// The site that embeds it (its client id; empty for grants from before sites were
    /// recorded) and its name.
    pub site: String,
    pub site_name: String,
    pub last_used: String,
}

/// A security event on the account page.
pub struct EventLine {
    pub when: String,
    pub what: &'static str,
    /// Where it came from: a client address, or the operator's command line.
    pub source: String,
}

/// A connected site on the account page.
pub struct AppLine {
    pub client_id: String,
    pub name: String,
    pub scope: String,
    pub since: String,
}

/// A session on the account page.
pub struct SessionLine {
    pub id: String,
    pub device: String,
    pub signed_in: String,
    pub last_seen: String,
    pub current: bool,
}

/// A site in the developer portal.
pub struct PortalClient {
    pub client_id: String,
    pub name: String,
    pub description: String,
    pub client_uri: String,
    pub logo_uri: String,
    /// One per line, as the form edits them.
    pub redirect_uris: String,
    pub grant_types: Vec<String>,
    pub public: bool,
    pub signature_method: String,
}

impl PortalClient {
    /// Whether the site is registered for `grant` (checkbox state).
    pub fn has(&self, grant: &str) -> bool {
        self.grant_types.iter().any(|g| g == grant)
    }
}

/// The developer portal: my sites and the registration form.
#[derive(Template)]
#[template(path = "developers.html")]
pub struct DevelopersPage<'a> {
    pub t: Lang,
    pub csrf_token: &'a str,
    pub clients: Vec<PortalClient>,
    pub error: Option<&'a str>,
}

/// One of my sites: credentials, quickstart, edit, rotate, delete.
#[derive(Template)]
#[template(path = "developer_client.html")]
pub struct DeveloperClientPage<'a> {
    pub t: Lang,
    pub csrf_token: &'a str,
    pub client: PortalClient,
    /// The secret in plain text, only right after creation or rotation.
    pub secret: Option<&'a str>,
    pub error: Option<&'a str>,
    pub authorize_url: &'a str,
    pub token_url: &'a str,
    pub redirect_uri: &'a str,
}

/// The person's own page.
#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage<'a> {
    pub t: Lang,
    pub csrf_token: &'a str,
    pub notice: Option<&'a str>,
    pub error: Option<&'a str>,
    pub username: &'a str,
    pub email: &'a str,
    pub email_verified: bool,
    pub name: &'a str,
    pub given_name: &'a str,
    pub family_name: &'a str,
    pub nickname: &'a str,
    pub birthday: &'a str,
    pub phone: &'a str,
    pub locality: &'a str,
    pub country: &'a str,
    pub hide_email: bool,
    pub apps: Vec<AppLine>,
    pub widgets: Vec<WidgetLine>,
    pub sessions: Vec<SessionLine>,
    /// The person's recent security events, newest first.
    pub events: Vec<EventLine>,
}

/// The landing page: who is signed in.
#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage<'a> {
    pub t: Lang,
    pub user_name: Option<&'a str>,
    pub csrf_token: &'a str,
    pub demo: bool,
}

/// "Create an account".
#[derive(Template)]
#[template(path = "signup.html")]
pub struct SignupPage<'a> {
    pub t: Lang,
    pub csrf_token: &'a str,
    pub username: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub errors: Vec<String>,
}

/// "Forgot your password?"
#[derive(Template)]
#[template(path = "recover.html")]
pub struct RecoverPage<'a> {
    pub t: Lang,
    pub csrf_token: &'a str,
    pub sent: bool,
}

/// "Choose a new password".
#[derive(Template)]
#[template(path = "password_reset.html")]
pub struct PasswordResetPage<'a> {
    pub t: Lang,
    pub csrf_token: &'a str,
    pub token: &'a str,
    pub error: Option<&'a str>,
}

/// A short message with an optional link onwards.
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage<'a> {
    pub t: Lang,
    pub title: &'a str,
    pub message: &'a str,
    pub link: Option<(&'a str, &'a str)>,
}

/// The sign-out confirmation; with a validated destination for RP-initiated logout.
#[derive(Template)]
#[template(path = "logout.html")]
pub struct LogoutPage<'a> {
    pub t: Lang,
    pub csrf_token: &'a str,
    pub client_id: Option<&'a str>,
    pub client_name: Option<&'a str>,
    pub post_logout_redirect_uri: Option<&'a str>,
    pub state: Option<&'a str>,
}

/// `response_mode=form_post`: a form that the browser submits to the client at once.
#[derive(Template)]
#[template(path = "form_post.html")]
pub struct FormPostPage<'a> {
    pub action: &'a str,
    pub fields: &'a [(String, String)],
}

/// The live widget demo under the widget docs (demo mode).
pub struct WidgetDemo<'a> {
    pub user_name: Option<&'a str>,
    pub login_url: &'a str,
    pub csrf_token: &'a str,
    pub widget_id: &'a str,
    pub widget_src: &'a str,
}

/// One entry of the docs navigation.
pub struct NavItem<'a> {
    pub href: String,
    pub title: &'a str,
    pub current: bool,
}

/// A page of the bundled docs.
#[derive(Template)]
#[template(path = "docs.html")]
pub struct DocsPage<'a> {
    pub title: &'a str,
    pub nav: Vec<NavItem<'a>>,
    /// Rendered from the Markdown shipped in the binary, not from input.
    pub html: &'a str,
    pub demo: Option<WidgetDemo<'a>>,
    /// The playground's client id and (public on purpose) secret, in demo mode.
    pub playground: Option<(&'a str, &'a str)>,
}

/// The demo's example widget.
#[derive(Template)]
#[template(path = "demo_widget.html")]
pub struct DemoWidgetPage {}

/// The demo client's redirect target: shows the code and the next step.
#[derive(Template)]
#[template(path = "demo_callback.html")]
pub struct DemoCallbackPage<'a> {
    pub code: Option<&'a str>,
    pub error: Option<&'a str>,
    pub error_description: Option<&'a str>,
    pub state: Option<&'a str>,
    pub token_url: &'a str,
    pub redirect_uri: &'a str,
    pub client_id: &'a str,
}
