//! The German catalogue, keyed by the English text (with its `|context`, if any).

/// The German for `key`, if there is one.
pub fn text(key: &str) -> Option<&'static str> {
    Some(match key {
        // Sign-in, signup and consent.
        "Sign in" => "Anmelden",
        "Username" => "Benutzername",
        "Password" => "Passwort",
        "Forgot your password?" => "Passwort vergessen?",
        "Create an account" => "Konto anlegen",
        "Wrong username or password." => "Benutzername oder Passwort ist falsch.",
        "Allow" => "Erlauben",
        "Deny" => "Ablehnen",
        "Allow|question" => "Darf",
        "to access your account?" => "auf dein Konto zugreifen?",
        "Logo of" => "Logo von",
        "Signed in as" => "Angemeldet als",
        "The site will be sent back to" => "Danach geht es zurück zu",
        "will be able to:" => "kann dann:",
        "It asks for these profile fields:" => "Die Seite fragt nach diesen Profilfeldern:",
        "It also asks for these details:" => "Außerdem fragt sie nach:",
        "says:" => "schreibt:",
        "Remember this decision" => "Entscheidung merken",
        "This site has not been reviewed by the operator of" => {
            "Diese Seite wurde nicht geprüft vom Betreiber von"
        }
        "Allow only if you trust it." => "Erlaube den Zugriff nur, wenn du ihr vertraust.",
        // Before leaving for a site the operator has not reviewed.
        "Leave for another site?" => "Zu einer anderen Seite wechseln?",
        "sent you here, and this server is about to send you back to" => {
            "hat dich hierher geschickt, und dieser Server würde dich jetzt zurückschicken zu"
        }
        "It could not go ahead:" => "Es ging nicht weiter:",
        "Continue only if you trust it." => "Mach nur weiter, wenn du ihr vertraust.",
        "Continue to" => "Weiter zu",
        "Stay here" => "Hier bleiben",
        "in" => "in",
        // The account page's security events.
        "Recent security events" => "Letzte Sicherheitsereignisse",
        "the operator" => "der Betreiber",
        "Signed in" => "Angemeldet",
        "Failed sign-in" => "Fehlgeschlagene Anmeldung",
        "Sign-in paused after failed attempts" => "Anmeldung nach Fehlversuchen pausiert",
        "Connected a site" => "Eine Seite verbunden",
        "Disconnected a site" => "Eine Seite getrennt",
        "Changed the password" => "Passwort geändert",
        "Reset the password by mail" => "Passwort per E-Mail zurückgesetzt",
        "Confirmed the email address" => "E-Mail-Adresse bestätigt",
        "Created the account" => "Konto angelegt",
        "Registered a site" => "Eine Seite registriert",
        "A site was reviewed" => "Eine Seite wurde geprüft",
        "Rotated a site's secret" => "Das Geheimnis einer Seite erneuert",
        "Deleted a site" => "Eine Seite gelöscht",
        "Signing keys rotated" => "Signaturschlüssel erneuert",
        "Secret key rotated" => "Geheimer Schlüssel erneuert",
        "Signed out" => "Abgemeldet",
        "Too many attempts" => "Zu viele Versuche",
        "Try again shortly" => "Gleich noch einmal versuchen",
        "Too many attempts. Try again in a minute." => {
            "Zu viele Versuche. Versuch es in einer Minute wieder."
        }
        "Too many attempts. Try again in" => "Zu viele Versuche. Versuch es wieder in",
        "minutes." => "Minuten.",
        // Signing up and confirming addresses.
        "this username is taken, choose another." => "dieser Benutzername ist vergeben, wähle einen anderen.",
        "We sent a mail to" => "Wir haben eine E-Mail geschickt an",
        "Follow its link within 24 hours to finish creating your account." => {
            "Folge ihrem Link innerhalb von 24 Stunden, um dein Konto fertig anzulegen."
        }
        "Check your mail" => "Sieh in dein Postfach",
        "The username or the address was taken meanwhile. Sign up again." => {
            "Der Benutzername oder die Adresse wurde inzwischen vergeben. Registriere dich erneut."
        }
        "Thank you: your email address is confirmed and your account is ready." => {
            "Danke: deine E-Mail-Adresse ist bestätigt und dein Konto ist bereit."
        }
        "Follow its link, then go back to the site." => {
            "Folge ihrem Link und geh dann zurück zur Seite."
        }
        "Confirm your email address before you connect sites to your account." => {
            "Bestätige deine E-Mail-Adresse, bevor du Seiten mit deinem Konto verbindest."
        }
        "We will send the link to" => "Wir schicken den Link an",
        "Send the link again" => "Link erneut schicken",
        "Also disconnect every site and widget (recommended if someone else may know your password)" => {
            "Auch alle Seiten und Widgets trennen (empfohlen, wenn jemand anderes dein Passwort kennen könnte)"
        }
        "Full name" => "Vollständiger Name",
        "Email" => "E-Mail",
        "Letters, digits, '.', '_' and '-'." => "Buchstaben, Ziffern, '.', '_' und '-'.",
        "At least 8 characters, hard to guess: a few unrelated words work well." => {
            "Mindestens 8 Zeichen, schwer zu erraten: ein paar unzusammenhängende Wörter eignen sich gut."
        }
        "Already have an account?" => "Schon ein Konto?",
        // Start page and sign-out.
        "An OAuth 2.0 and OpenID Connect identity provider that speaks the VZ Connect draft." => {
            "Ein OAuth-2.0- und OpenID-Connect-Identitätsanbieter, der den VZ-Connect-Entwurf spricht."
        }
        "Your account" => "Dein Konto",
        "Widgets that know who you are" => "Widgets, die wissen, wer du bist",
        "last used" => "zuletzt benutzt",
        "Forget" => "Vergessen",
        "Sign out" => "Abmelden",
        "Sign out?" => "Abmelden?",
        "asks to sign you out. You will be sent back to it afterwards." => {
            "möchte dich abmelden. Danach geht es dorthin zurück."
        }
        "Demo mode is on: see the quickstart in the README to walk the whole flow." => {
            "Der Demo-Modus ist an: Der Schnellstart im README führt durch den ganzen Ablauf."
        }
        // Mail links.
        "Welcome" => "Willkommen",
        "Your account is ready. We sent you a mail: follow its link to confirm your email address." => {
            "Dein Konto ist bereit. Wir haben dir eine Mail geschickt: Öffne den Link darin, um deine E-Mail-Adresse zu bestätigen."
        }
        "Continue" => "Weiter",
        "Email confirmed" => "E-Mail-Adresse bestätigt",
        "Thank you: your email address is confirmed." => {
            "Danke: Deine E-Mail-Adresse ist bestätigt."
        }
        "If an account uses that address, we sent it a link to choose a new password. It works for an hour." => {
            "Falls ein Konto diese Adresse nutzt, haben wir ihr einen Link für ein neues Passwort geschickt. Er gilt eine Stunde."
        }
        "Send me a link" => "Link schicken",
        "Choose a new password" => "Neues Passwort wählen",
        "New password" => "Neues Passwort",
        "Set password" => "Passwort setzen",
        // Account.
        "confirmed" => "bestätigt",
        "not confirmed yet" => "noch nicht bestätigt",
        "Profile" => "Profil",
        "Nickname" => "Spitzname",
        "Given name" => "Vorname",
        "Family name" => "Nachname",
        "Birthday (YYYY-MM-DD)" => "Geburtstag (JJJJ-MM-TT)",
        "Phone" => "Telefon",
        "City" => "Ort",
        "Country" => "Land",
        "Hide my email address from my contacts" => {
            "Meine E-Mail-Adresse vor meinen Kontakten verbergen"
        }
        "Save profile" => "Profil speichern",
        "Current password" => "Aktuelles Passwort",
        "Change password" => "Passwort ändern",
        "Changing it signs you out everywhere else." => {
            "Eine Änderung meldet dich überall sonst ab."
        }
        "Connected sites" => "Verbundene Seiten",
        "No site has access to your account." => "Keine Seite hat Zugriff auf dein Konto.",
        "can use:" => "darf:",
        "since" => "seit",
        "Revoke access for" => "Zugriff entziehen für",
        "Revoke" => "Entziehen",
        "None." => "Keine.",
        "Forget widget" => "Widget vergessen:",
        "Where you are signed in" => "Wo du angemeldet bist",
        "signed in" => "angemeldet",
        "last seen" => "zuletzt gesehen",
        "this browser" => "dieser Browser",
        "Sign out everywhere else" => "Überall sonst abmelden",
        "Unknown browser" => "Unbekannter Browser",
        "Your profile is saved." => "Dein Profil ist gespeichert.",
        "Your password is changed; your other sessions are signed out." => {
            "Dein Passwort ist geändert; deine anderen Sitzungen sind abgemeldet."
        }
        "The site is disconnected and its access revoked." => {
            "Die Seite ist getrennt und ihr Zugriff entzogen."
        }
        "The widget is forgotten." => "Das Widget ist vergessen.",
        "Signed out." => "Abgemeldet.",
        "Password: the current password is wrong." => {
            "Passwort: Das aktuelle Passwort ist falsch."
        }
        // Developer portal.
        "Developers" => "Entwickler",
        "Your sites" => "Deine Seiten",
        "You have not registered a site yet." => "Du hast noch keine Seite registriert.",
        "Software can register too: see" => "Auch Software kann sich registrieren: siehe",
        "client registration" => "Client-Registrierung",
        "Register a site" => "Seite registrieren",
        "Client type" => "Client-Typ",
        "Confidential (a server that keeps a secret)" => {
            "Vertraulich (ein Server, der ein Geheimnis bewahrt)"
        }
        "Public (an app in a browser or on a phone; uses PKCE)" => {
            "Öffentlich (eine App im Browser oder auf dem Telefon; nutzt PKCE)"
        }
        "Register" => "Registrieren",
        "Copy it now: it is shown only this once." => {
            "Kopiere es jetzt: Es wird nur dieses eine Mal angezeigt."
        }
        "none: a public client uses PKCE" => "keins: ein öffentlicher Client nutzt PKCE",
        "Quickstart" => "Schnellstart",
        "Send people to sign in (public clients add a PKCE code_challenge):" => {
            "Leite Menschen zur Anmeldung (öffentliche Clients fügen eine PKCE-code_challenge hinzu):"
        }
        "Exchange the code that arrives at" => "Tausche den Code ein, der ankommt bei",
        "The token response" => "Die Token-Antwort",
        "explains how to verify the signature." => "erklärt, wie man die Signatur prüft.",
        "Settings" => "Einstellungen",
        "Save" => "Speichern",
        "Secret and deletion" => "Geheimnis und Löschen",
        "Rotate the secret" => "Neues Geheimnis erzeugen",
        "Delete this site (revokes all its tokens)" => {
            "Diese Seite löschen (entzieht alle ihre Tokens)"
        }
        "Site name" => "Name der Seite",
        "Description" => "Beschreibung",
        "Home page" => "Startseite",
        "Logo URL" => "Logo-URL",
        "Redirect URIs (one per line)" => "Redirect-URIs (eine pro Zeile)",
        "Grant types" => "Grant-Typen",
        "Authorization code" => "Autorisierungscode",
        "Refresh token" => "Refresh-Token",
        "User-agent flow (implicit)" => "User-Agent-Ablauf (implizit)",
        "Client credentials" => "Client-Zugangsdaten",
        "VZ signature" => "VZ-Signatur",
        "default" => "Standard",
        "VZ compatibility" => "VZ-kompatibel",
        // Error pages.
        "Forbidden" => "Nicht erlaubt",
        "Not found" => "Nicht gefunden",
        "Something went wrong" => "Etwas ist schiefgegangen",
        "Bad request" => "Ungültige Anfrage",
        "Back to the start page" => "Zurück zur Startseite",
        "There is no page at this address." => "Unter dieser Adresse gibt es keine Seite.",
        "This form has expired or was not sent from this site. Go back and try again." => {
            "Dieses Formular ist abgelaufen oder kam nicht von dieser Seite. Geh zurück und versuche es noch einmal."
        }
        "This link has expired or was already used." => {
            "Dieser Link ist abgelaufen oder wurde schon benutzt."
        }
        "This link has expired or was already used. Ask for a new one." => {
            "Dieser Link ist abgelaufen oder wurde schon benutzt. Fordere einen neuen an."
        }
        _ => return None,
    })
}
