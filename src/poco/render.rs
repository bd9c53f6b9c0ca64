//! Draft C responses: the envelope (`startIndex`, `itemsPerPage`, `totalResults`, `entry`) as
//! JSON or XML (root `response`; plural fields as repeated elements, complex ones nested).

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use serde_json::{json, Map, Value};

/// The envelope of a single record (`@self`, `@all/{id}`): `entry` is an object.
pub fn single(entry: Map<String, Value>) -> Value {
    json!({ "startIndex": 0, "itemsPerPage": 1, "totalResults": 1, "entry": entry })
}

/// The envelope of a collection: `entry` is always a list.
pub fn collection(
    start_index: usize,
    items_per_page: usize,
    total: usize,
    entries: Vec<Map<String, Value>>,
) -> Value {
    json!({
        "startIndex": start_index,
        "itemsPerPage": items_per_page,
        "totalResults": total,
        "entry": entries,
    })
}

/// The same response as XML.
pub fn to_xml(response: &Value) -> String {
    let mut writer = Writer::new(Vec::new());
    let written = writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .and_then(|()| element(&mut writer, "response", response));
    if let Err(e) = written {
        log::error!("poco xml: {e}");
    }
    String::from_utf8(writer.into_inner()).unwrap_or_default()
}

fn element(writer: &mut Writer<Vec<u8>>, name: &str, value: &Value) -> std::io::Result<()> {
    match value {
        // A list is the same element repeated (Draft C §10).
        Value::Array(items) => {
            for item in items {
                element(writer, name, item)?;
            }
            Ok(())
        }
        Value::Null => Ok(()),
        Value::Object(members) => {
            writer.write_event(Event::Start(BytesStart::new(name)))?;
            for (child, value) in members {
                element(writer, child, value)?;
            }
            writer.write_event(Event::End(BytesEnd::new(name)))
        }
        scalar => {
            let text = match scalar {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            writer.write_event(Event::Start(BytesStart::new(name)))?;
            writer.write_event(Event::Text(BytesText::new(&text)))?;
            writer.write_event(Event::End(BytesEnd::new(name)))
        }
    }
}

/// The XRDS-Simple document that names the PoCo base URL (Draft C §4), for clients that
/// discover the service from the issuer.
pub fn xrds(base_url: &str) -> String {
    let mut writer = Writer::new(Vec::new());
    let service = "http://portablecontacts.net/spec/1.0";
    let written: std::io::Result<()> = (|| {
        writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        writer.write_event(Event::Start(
            BytesStart::new("XRDS").with_attributes([("xmlns", "xri://$xrds")]),
        ))?;
        writer.write_event(Event::Start(BytesStart::new("XRD").with_attributes([
            ("xmlns", "xri://$XRD*($v*2.0)"),
            ("xmlns:simple", "http://xrds-simple.net/core/1.0"),
            ("version", "2.0"),
        ])))?;
        element(&mut writer, "Type", &json!("xri://$xrds*simple"))?;
        writer.write_event(Event::Start(BytesStart::new("Service")))?;
        element(&mut writer, "Type", &json!(service))?;
        element(&mut writer, "URI", &json!(base_url))?;
        writer.write_event(Event::End(BytesEnd::new("Service")))?;
        writer.write_event(Event::End(BytesEnd::new("XRD")))?;
        writer.write_event(Event::End(BytesEnd::new("XRDS")))
    })();
    if let Err(e) = written {
        log::error!("xrds: {e}");
    }
    String::from_utf8(writer.into_inner()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_repeats_plural_fields_and_escapes_text() {
        let response = collection(
            0,
            1,
            1,
            vec![serde_json::from_value(json!({
                "id": "1",
                "displayName": "Tom & <Jerry>",
                "emails": [{"value": "a@x.org", "primary": true}, {"value": "b@x.org"}],
                "name": {"formatted": "Tom"},
            }))
            .unwrap()],
        );
        let xml = to_xml(&response);
        assert!(xml.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><response><startIndex>0</startIndex>"
        ));
        assert!(xml.contains("<displayName>Tom &amp; &lt;Jerry&gt;</displayName>"));
        assert!(xml.contains("<emails><value>a@x.org</value><primary>true</primary></emails><emails><value>b@x.org</value></emails>"));
        assert!(xml.contains("<name><formatted>Tom</formatted></name>"));
    }
}
