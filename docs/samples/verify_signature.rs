/// Checks the VZ Connect `signature` of a token response given as parsed JSON.
///
/// The signature is standard base64 (padded) of HMAC(key = client secret,
/// message = access_token ‖ issued_at ‖ user_id ‖ expires_in); a field the
/// response does not carry adds nothing. Numbers may be JSON integers (token
/// endpoint) or strings (redirect fragment). `verify_slice` compares in
/// constant time.
pub fn verify_vz_signature(response: &serde_json::Value, client_secret: &str) -> bool {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;
    use hmac::{Hmac, Mac};
    use serde_json::Value;

    let mut base = String::new();
    for field in ["access_token", "issued_at", "user_id", "expires_in"] {
        match response.get(field) {
            None | Some(Value::Null) => {}
            Some(Value::String(text)) => base.push_str(text),
            Some(Value::Number(number)) => base.push_str(&number.to_string()),
            Some(_) => return false,
        }
    }
    let Some(Ok(signature)) = response
        .get("signature")
        .and_then(Value::as_str)
        .map(|text| STANDARD.decode(text))
    else {
        return false;
    };
    let method = match response.get("signature_method") {
        None | Some(Value::Null) => "HMAC-SHA256",
        Some(Value::String(method)) => method.as_str(),
        Some(_) => return false,
    };

    let key = client_secret.as_bytes();
    let message = base.as_bytes();
    match method {
        "HMAC-SHA256" => Hmac::<sha2::Sha256>::new_from_slice(key)
            .is_ok_and(|mac| mac.chain_update(message).verify_slice(&signature).is_ok()),
        "HMAC-SHA1" => Hmac::<sha1::Sha1>::new_from_slice(key)
            .is_ok_and(|mac| mac.chain_update(message).verify_slice(&signature).is_ok()),
        _ => false,
    }
}
