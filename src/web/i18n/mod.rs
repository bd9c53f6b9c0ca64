//! English and German for the pages people see: chosen by the authorization request's
//! `ui_locales` (sign-in and consent), else the browser's `Accept-Language`, else English.

mod de;

use actix_web::HttpRequest;

use crate::domain::Scope;

/// A language the pages speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    De,
}

impl Lang {
    /// The tag for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
        }
    }

    /// A page text in this language. The English text is the key, gettext style, so
    /// templates read as the page does; a `|context` suffix tells apart two uses of one
    /// English word that German words differently (and is dropped in English).
    pub fn tr(self, key: &'static str) -> &'static str {
        let english = key.split_once('|').map_or(key, |(text, _)| text);
        match self {
            Self::En => english,
            Self::De => de::text(key).unwrap_or(english),
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
            (Self::De, Scope::Widgets) => {
                "Dich bei Widgets (kleinen Apps innerhalb der Seite) als dich anmelden und ihnen deine Konto-ID nennen"
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `tr("…")` key in the templates and the web handlers.
    fn keys_in_use() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut keys = Vec::new();
        for dir in ["templates", "src/web"] {
            for entry in std::fs::read_dir(root.join(dir)).expect("source folder") {
                let path = entry.expect("entry").path();
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let mut rest = text.as_str();
                while let Some(at) = rest.find("tr(") {
                    rest = rest[at + 3..].trim_start();
                    if let Some(body) = rest.strip_prefix('"') {
                        let end = body.find('"').expect("closed string");
                        keys.push(body[..end].to_string());
                    }
                }
            }
        }
        keys
    }

    #[test]
    fn every_text_in_use_has_a_german_translation() {
        let keys = keys_in_use();
        assert!(keys.len() > 100, "found only {} keys", keys.len());
        let missing: Vec<_> = keys.iter().filter(|k| de::text(k).is_none()).collect();
        assert!(missing.is_empty(), "no German for {missing:?}");
    }

    #[test]
    fn context_is_dropped_in_english_and_tells_german_apart() {
        assert_eq!(Lang::En.tr("Allow|question"), "Allow");
        assert_eq!(Lang::De.tr("Allow|question"), "Darf");
        assert_eq!(Lang::De.tr("Allow"), "Erlauben");
        assert_eq!(Lang::De.tr("not in the catalogue"), "not in the catalogue");
    }

    #[test]
    fn ui_locales_wins_over_accept_language() {
        let req = actix_web::test::TestRequest::default()
            .insert_header(("accept-language", "de-DE,de;q=0.9,en;q=0.5"))
            .to_http_request();
        assert_eq!(choose(None, &req), Lang::De);
        assert_eq!(choose(Some("fr en"), &req), Lang::En);
        let plain = actix_web::test::TestRequest::default().to_http_request();
        assert_eq!(choose(None, &plain), Lang::En);
    }
}
