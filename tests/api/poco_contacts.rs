//! Portable Contacts against a user with 10,000 contacts: every filter operator, both sort
//! orders, paging through the whole list, fields, updatedSince, XML against JSON, scopes,
//! and a 400 naming the parameter for each kind of bad value.

use std::collections::HashSet;

use quick_xml::events::Event;
use reqwest::StatusCode;
use serde_json::{Map, Value};
use vzconnect::clock::{Clock, SystemClock};
use vzconnect::domain::profile::{Plural, Profile};
use vzconnect::domain::records::NewUser;
use vzconnect::domain::Sub;
use vzconnect::store::Store;

use crate::helpers::*;

const CONTACTS: usize = 10_000;
/// Contacts created after this offset from the base time count as "recently updated".
const RECENT: usize = 9_900;
const NAMES: [&str; 8] = [
    "Zoë", "ärger", "Émile", "straße", "bob", "Anna", "anna", "Øystein",
];

/// Alice with 10,000 contacts: every 10th has two phone numbers (the second primary), every
/// 7th hides its email from contacts, names cycle through [`NAMES`].
async fn populate(app: &TestApp) -> i64 {
    let (alice, _) = app.store.find_login("alice").unwrap().unwrap();
    let base = SystemClock.now() - 1_000_000;
    for chunk in (0..CONTACTS).collect::<Vec<_>>().chunks(1000) {
        let creations = chunk.iter().map(|&i| {
            app.store.create_user(NewUser {
                sub: Sub::from_string(format!("contact-{i:05}")),
                username: format!("user{i:05}"),
                email: format!("user{i:05}@example.org"),
                name: Some(format!("{} {i:05}", NAMES[i % NAMES.len()])),
                password_hash: "unusable".into(),
                email_verified: true,
                created_at: base + i as i64,
            })
        });
        let users = futures::future::join_all(creations).await;
        let mut writes = Vec::new();
        for (user, &i) in users.into_iter().zip(chunk) {
            let user = user.unwrap();
            writes.push(
                app.store
                    .add_contact(alice.id, user.id, "friend".into(), base),
            );
            let mut profile = Profile::default();
            if i % 10 == 0 {
                profile.phone_numbers = vec![
                    Plural {
                        value: format!("+1 555 {i:05}"),
                        kind: None,
                        primary: None,
                    },
                    Plural {
                        value: format!("+49 30 {i:05}"),
                        kind: Some("mobile".into()),
                        primary: Some(true),
                    },
                ];
            }
            if i % 7 == 0 {
                profile.hidden_from_contacts = vec!["emails".into()];
            }
            if profile != Profile::default() {
                let update =
                    app.store
                        .update_profile(user.id, user.name.clone(), profile, base + i as i64);
                writes.push(Box::pin(async move { update.await.map(|_| ()) }));
            }
        }
        for write in futures::future::join_all(writes).await {
            write.unwrap();
        }
    }
    base
}

async fn token(app: &TestApp, scope: &str) -> String {
    let code = app.code_for(&app.web, scope).await;
    let body: Value = app.redeem(&app.web, &code).await.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

async fn all(app: &TestApp, token: &str, query: &[(&str, &str)]) -> Value {
    let response = app
        .http
        .get(app.url("/poco/@me/@all"))
        .bearer_auth(token)
        .query(query)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{query:?}");
    response.json().await.unwrap()
}

fn entries(page: &Value) -> &Vec<Value> {
    page["entry"].as_array().unwrap()
}

fn fold(s: &str) -> String {
    caseless::default_case_fold_str(s)
}

#[tokio::test]
async fn ten_thousand_contacts() {
    let app = spawn_app().await;
    let base = populate(&app).await;
    let token = token(&app, "openid profile email phone contacts").await;

    // Paging through everything, sorted by displayName: no duplicates, none missing, in
    // Unicode case-insensitive order with ties broken stably.
    let mut seen = HashSet::new();
    let mut names = Vec::new();
    for start in (0..CONTACTS).step_by(1000) {
        let start = start.to_string();
        let page = all(
            &app,
            &token,
            &[
                ("sortBy", "displayName"),
                ("startIndex", &start),
                ("count", "1000"),
            ],
        )
        .await;
        assert_eq!(page["totalResults"], CONTACTS);
        assert_eq!(page["itemsPerPage"], 1000);
        assert_eq!(page["startIndex"].to_string(), start);
        for entry in entries(&page) {
            assert!(
                seen.insert(entry["id"].as_str().unwrap().to_string()),
                "duplicate {entry}"
            );
            names.push(entry["displayName"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(seen.len(), CONTACTS);
    assert!(
        names.windows(2).all(|w| fold(&w[0]) <= fold(&w[1])),
        "sorted by folded name"
    );
    assert!(
        names.iter().position(|n| n.starts_with("straße"))
            < names.iter().position(|n| n.starts_with("Zoë"))
    );

    let descending = all(
        &app,
        &token,
        &[
            ("sortBy", "displayName"),
            ("sortOrder", "descending"),
            ("count", "5"),
        ],
    )
    .await;
    assert_eq!(
        entries(&descending)[0]["displayName"].as_str(),
        names.last().map(String::as_str),
        "descending starts where ascending ends"
    );
    let past_the_end = all(&app, &token, &[("startIndex", "10000")]).await;
    assert_eq!(entries(&past_the_end).len(), 0);
    let capped = all(&app, &token, &[("count", "100000")]).await;
    assert_eq!(
        (entries(&capped).len(), capped["itemsPerPage"].as_u64()),
        (1000, Some(1000))
    );

    // Plural fields sort by their primary value and contacts without them come last.
    let by_phone = all(&app, &token, &[("sortBy", "phoneNumbers"), ("count", "1")]).await;
    let first = &entries(&by_phone)[0];
    assert_eq!(first["phoneNumbers"].as_array().unwrap().len(), 2);
    let boundary = [
        ("sortBy", "phoneNumbers"),
        ("startIndex", "999"),
        ("count", "2"),
    ];
    let boundary = all(&app, &token, &boundary).await;
    assert!(entries(&boundary)[0].get("phoneNumbers").is_some());
    assert!(
        entries(&boundary)[1].get("phoneNumbers").is_none(),
        "without the field: last"
    );

    // Every filter operator.
    let count = |page: &Value| page["totalResults"].as_u64().unwrap();
    let equals = all(
        &app,
        &token,
        &[
            ("filterBy", "displayName"),
            ("filterOp", "equals"),
            ("filterValue", "ANNA 00005"),
        ],
    )
    .await;
    assert_eq!(count(&equals), 0, "equals is exact");
    let equals = all(
        &app,
        &token,
        &[
            ("filterBy", "displayName"),
            ("filterOp", "equals"),
            ("filterValue", "Anna 00005"),
        ],
    )
    .await;
    assert_eq!(count(&equals), 1);
    let starts = all(
        &app,
        &token,
        &[
            ("filterBy", "displayName"),
            ("filterOp", "startswith"),
            ("filterValue", "ANNA"),
        ],
    )
    .await;
    assert_eq!(
        count(&starts),
        2 * CONTACTS as u64 / 8,
        "Anna and anna, case-insensitive"
    );
    let folded = all(
        &app,
        &token,
        &[
            ("filterBy", "displayName"),
            ("filterOp", "startswith"),
            ("filterValue", "STRASSE"),
        ],
    )
    .await;
    assert_eq!(
        count(&folded),
        CONTACTS as u64 / 8,
        "full case folding: ß = ss"
    );
    let contains = all(
        &app,
        &token,
        &[
            ("filterBy", "phoneNumbers"),
            ("filterOp", "contains"),
            ("filterValue", "+1 555 001"),
        ],
    )
    .await;
    assert_eq!(
        count(&contains),
        10,
        "any value of a plural field matches, not only the primary (00100, 00110, … 00190)"
    );
    let present = all(
        &app,
        &token,
        &[("filterBy", "phoneNumbers"), ("filterOp", "present")],
    )
    .await;
    assert_eq!(count(&present), CONTACTS as u64 / 10);
    let emails = all(
        &app,
        &token,
        &[("filterBy", "email"), ("filterOp", "present")],
    )
    .await;
    let hidden = (0..CONTACTS).filter(|i| i % 7 == 0).count() as u64;
    assert_eq!(
        count(&emails),
        CONTACTS as u64 - hidden,
        "hidden emails neither match nor show"
    );
    let hiding = all(
        &app,
        &token,
        &[
            ("filterBy", "displayName"),
            ("filterOp", "equals"),
            ("filterValue", "Zoë 00000"),
        ],
    )
    .await;
    assert!(entries(&hiding)[0].get("emails").is_none());

    // fields and updatedSince.
    let narrow = all(
        &app,
        &token,
        &[("fields", "emails"), ("count", "3"), ("startIndex", "1")],
    )
    .await;
    let keys: Vec<&str> = entries(&narrow)[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["id", "displayName", "emails"]);
    let since = vzconnect::poco::xs_date_time(base + RECENT as i64);
    let recent = all(&app, &token, &[("updatedSince", since.as_str())]).await;
    assert_eq!(count(&recent), (CONTACTS - RECENT) as u64);

    // XML says the same as JSON, field for field.
    let json = all(
        &app,
        &token,
        &[
            ("sortBy", "displayName"),
            ("count", "50"),
            ("startIndex", "70"),
        ],
    )
    .await;
    let xml = app
        .http
        .get(app.url("/poco/@me/@all"))
        .bearer_auth(&token)
        .query(&[
            ("sortBy", "displayName"),
            ("count", "50"),
            ("startIndex", "70"),
            ("format", "xml"),
        ])
        .send()
        .await
        .unwrap();
    assert!(xml.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/xml"));
    let parsed = parse_xml(&xml.text().await.unwrap());
    assert_eq!(parsed["totalResults"], Value::from(CONTACTS.to_string()));
    let xml_entries = parsed["entry"].as_array().unwrap();
    assert_eq!(xml_entries.len(), 50);
    for (from_json, from_xml) in entries(&json).iter().zip(xml_entries) {
        assert_eq!(
            flatten(from_json),
            flatten(from_xml),
            "entry {}",
            from_json["id"]
        );
    }
}

/// Elements that are lists in JSON even when the XML has only one of them.
const PLURAL: [&str; 10] = [
    "entry",
    "emails",
    "phoneNumbers",
    "urls",
    "ims",
    "photos",
    "addresses",
    "organizations",
    "tags",
    "relationships",
];

/// An XML `response` back into JSON: repeated elements become arrays, text stays text.
fn parse_xml(xml: &str) -> Value {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<(String, Map<String, Value>, String)> =
        vec![("root".into(), Map::new(), String::new())];
    loop {
        match reader.read_event().unwrap() {
            Event::Start(start) => {
                let name = String::from_utf8(start.name().as_ref().to_vec()).unwrap();
                stack.push((name, Map::new(), String::new()));
            }
            Event::Text(text) => stack
                .last_mut()
                .unwrap()
                .2
                .push_str(&text.decode().unwrap()),
            Event::GeneralRef(entity) => {
                let name = entity.decode().unwrap().into_owned();
                let text = match name.as_str() {
                    "amp" => "&".to_string(),
                    "lt" => "<".to_string(),
                    "gt" => ">".to_string(),
                    "quot" => "\"".to_string(),
                    "apos" => "'".to_string(),
                    _ => entity.resolve_char_ref().unwrap().unwrap().to_string(),
                };
                stack.last_mut().unwrap().2.push_str(&text);
            }
            Event::End(_) => {
                let (name, children, text) = stack.pop().unwrap();
                let value = if children.is_empty() {
                    Value::String(text)
                } else {
                    Value::Object(children)
                };
                let parent = &mut stack.last_mut().unwrap().1;
                match parent.get_mut(&name) {
                    Some(Value::Array(list)) => list.push(value),
                    Some(existing) => *existing = Value::Array(vec![existing.take(), value]),
                    None => {
                        let plural = PLURAL.contains(&name.as_str());
                        parent.insert(
                            name,
                            if plural {
                                Value::Array(vec![value])
                            } else {
                                value
                            },
                        );
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    stack.pop().unwrap().1.remove("response").unwrap()
}

/// Every leaf as `path = text`, so JSON (typed) and XML (text) compare field for field.
fn flatten(value: &Value) -> Vec<String> {
    fn walk(prefix: &str, value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => map
                .iter()
                .for_each(|(k, v)| walk(&format!("{prefix}/{k}"), v, out)),
            Value::Array(list) => list
                .iter()
                .enumerate()
                .for_each(|(i, v)| walk(&format!("{prefix}[{i}]"), v, out)),
            Value::String(s) => out.push(format!("{prefix}={s}")),
            other => out.push(format!("{prefix}={other}")),
        }
    }
    let mut out = Vec::new();
    walk("", value, &mut out);
    out.sort();
    out
}

#[tokio::test]
async fn contact_by_id_scopes_and_bad_parameters() {
    let app = spawn_app().await;
    let (alice, _) = app.store.find_login("alice").unwrap().unwrap();
    let (bob, _) = app.store.find_login("bob").unwrap().unwrap();
    app.store
        .add_contact(alice.id, bob.id, "colleague".into(), SystemClock.now())
        .await
        .unwrap();
    let token = token(&app, "openid contacts").await;

    let one = app
        .http
        .get(app.url(&format!("/poco/@me/@all/{}", bob.sub)))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let one: Value = one.json().await.unwrap();
    assert_eq!(
        one["entry"]["displayName"], "Bob Example",
        "entry is an object for a single contact"
    );
    assert_eq!(
        one["entry"]["relationships"],
        serde_json::json!(["colleague"])
    );
    assert_eq!(one["entry"]["connected"], true);
    assert!(
        one["entry"].get("emails").is_none(),
        "no email scope, no emails"
    );
    for id in [alice.sub.as_str(), "nobody"] {
        let response = app
            .http
            .get(app.url(&format!("/poco/@me/@all/{id}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{id}");
    }
    let base = app
        .http
        .get(app.url("/poco"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        base.json::<Value>().await.unwrap()["totalResults"],
        1,
        "the base URL alone is @all"
    );

    let no_contacts = token_without_contacts(&app).await;
    let response = app
        .http
        .get(app.url("/poco/@me/@all"))
        .bearer_auth(&no_contacts)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains(r#"scope="contacts""#));

    let cases = [
        (
            "filterOp=near&filterBy=displayName&filterValue=x",
            "filterOp",
        ),
        ("filterBy=displayName&filterOp=equals", "filterValue"),
        ("filterBy=emails&filterOp=present", "filterBy"),
        ("filterValue=x", "filterBy"),
        ("count=-5", "count"),
        ("startIndex=abc", "startIndex"),
        ("sortBy=displayName&sortOrder=up", "sortOrder"),
        ("sortBy=height", "sortBy"),
        ("updatedSince=last+week", "updatedSince"),
        ("format=csv", "format"),
    ];
    for (query, parameter) in cases {
        let response = app
            .http
            .get(format!("{}?{query}", app.url("/poco/@me/@all")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["parameter"], parameter, "{query}");
        assert!(body["error_description"]
            .as_str()
            .unwrap()
            .starts_with(parameter));
    }
}

async fn token_without_contacts(app: &TestApp) -> String {
    token(app, "openid").await
}

#[tokio::test]
async fn discovery_from_the_issuer() {
    let app = spawn_app().await;
    let home = app.http.get(app.url("/")).send().await.unwrap();
    let link = home.headers()["link"].to_str().unwrap().to_string();
    assert_eq!(
        link,
        format!(
            "<{}/poco>; rel=\"http://portablecontacts.net/spec/1.0\"",
            app.address
        )
    );
    let xrds_url = home.headers()["x-xrds-location"]
        .to_str()
        .unwrap()
        .to_string();
    let xrds = app
        .http
        .get(&xrds_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(xrds.contains("<Type>http://portablecontacts.net/spec/1.0</Type>"));
    assert!(xrds.contains(&format!("<URI>{}/poco</URI>", app.address)));
}
