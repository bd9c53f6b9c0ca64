//! English and German for the pages people see while signing in: chosen by the
//! authorization request's `ui_locales`, else the browser's `Accept-Language`, else English.

use actix_web::HttpRequest;

use crate::domain::Scope;

/// A language the pages speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    De,
}

/// The texts of the sign-in, consent and signup pages.
pub struct Texts {
    pub lang: &'static str,
    pub sign_in: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub forgot_password: &'static str,
    pub create_account: &'static str,
    pub wrong_credentials: &'static str,
    pub allow: &'static str,
    pub deny: &'static str,
    pub allow_question_start: &'static str,
    pub allow_question_end: &'static str,
    pub signed_in_as: &'static str,
    pub sent_back_to: &'static str,
    pub will_be_able_to: &'static str,
    pub asks_fields: &'static str,
    pub asks_details: &'static str,
    pub says: &'static str,
    pub remember: &'static str,
    pub full_name: &'static str,
    pub email: &'static str,
    pub username_help: &'static str,
    pub password_help: &'static str,
    pub have_account: &'static str,
}

const EN: Texts = Texts {
    lang: "en",
    sign_in: "Sign in",
    username: "Username",
    password: "Password",
    forgot_password: "Forgot your password?",
    create_account: "Create an account",
    wrong_credentials: "Wrong username or password.",
    allow: "Allow",
    deny: "Deny",
    allow_question_start: "Allow",
    allow_question_end: "to access your account?",
    signed_in_as: "Signed in as",
    sent_back_to: "The site will be sent back to",
    will_be_able_to: "will be able to:",
    asks_fields: "It asks for these profile fields:",
    asks_details: "It also asks for these details:",
    says: "says:",
    remember: "Remember this decision",
    full_name: "Full name",
    email: "Email",
    username_help: "Letters, digits, '.', '_' and '-'.",
    password_help: "At least 8 characters, hard to guess: a few unrelated words work well.",
    have_account: "Already have an account?",
};

const DE: Texts = Texts {
    lang: "de",
    sign_in: "Anmelden",
    username: "Benutzername",
    password: "Passwort",
    forgot_password: "Passwort vergessen?",
    create_account: "Konto anlegen",
    wrong_credentials: "Benutzername oder Passwort ist falsch.",
    allow: "Erlauben",
    deny: "Ablehnen",
    allow_question_start: "Darf",
    allow_question_end: "auf dein Konto zugreifen?",
    signed_in_as: "Angemeldet als",
    sent_back_to: "Danach geht es zurück zu",
    will_be_able_to: "kann dann:",
    asks_fields: "Die Seite fragt nach diesen Profilfeldern:",
    asks_details: "Außerdem fragt sie nach:",
    says: "schreibt:",
    remember: "Entscheidung merken",
    full_name: "Vollständiger Name",
    email: "E-Mail",
    username_help: "Buchstaben, Ziffern, '.', '_' und '-'.",
    password_help: "Mindestens 8 Zeichen, schwer zu erraten: ein paar unzusammenhängende Wörter eignen sich gut.",
    have_account: "Schon ein Konto?",
};

impl Lang {
    /// The texts in this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Self::En => &EN,
            Self::De => &DE,
        }
    }

    /// What granting `scope` lets a site see, in this language.
    pub fn scope(self, scope: Scope) -> &'static str {
        match (self, scope) {
            (Self::En, s) => s.description(),
            (Self::De, Scope::OpenId) => {
                "Wissen, wer du bist: deine Konto-ID und deinen Anzeigenamen"
            }
            (Self::De, Scope::Profile) => "Deinen Namen und deine Profilangaben sehen",
            (Self::De, Scope::Email) => "Deine E-Mail-Adresse sehen",
            (Self::De, Scope::Address) => "Deine Postanschrift sehen",
            (Self::De, Scope::Phone) => "Deine Telefonnummer sehen",
            (Self::De, Scope::Contacts) => "Deine Kontakte (deine Freundesliste) sehen",
            (Self::De, Scope::OfflineAccess) => {
                "Den Zugriff behalten, auch wenn du die Seite nicht nutzt"
            }
        }
    }

    fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag
            .trim()
            .split(['-', '_', ';'])
            .next()?
            .to_ascii_lowercase();
        match primary.as_str() {
            "de" => Some(Self::De),
            "en" => Some(Self::En),
            _ => None,
        }
    }
}

/// The language for a request: the first supported tag of `ui_locales` (space separated),
/// else the first supported tag of `Accept-Language`, else English.
pub fn choose(ui_locales: Option<&str>, req: &HttpRequest) -> Lang {
    let from_ui = ui_locales.and_then(|l| l.split(' ').find_map(Lang::from_tag));
    let accept = req
        .headers()
        .get("accept-language")
        .and_then(|v| v.to_str().ok());
    from_ui
        .or_else(|| accept.and_then(|a| a.split(',').find_map(Lang::from_tag)))
        .unwrap_or(Lang::En)
}

/// `ui_locales` inside a return URL (the authorization request waiting behind the login).
pub fn ui_locales_of(return_to: &str) -> Option<String> {
    let query = return_to.split_once('?')?.1;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "ui_locales")
        .map(|(_, v)| v.into_owned())
}
