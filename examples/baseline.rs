//! The benchmark's floor: a bare actix-web server doing the least each vzconnect scenario
//! must do, so `scripts/bench --compare` can say how close vzconnect comes. `GET /json`
//! serialises a small JSON document; `POST /token` parses a form body and answers a token
//! made of random bytes and their HMAC-SHA256, as JSON.
//! Usage: baseline --bind 127.0.0.1:18401

#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::{web, App, HttpResponse, HttpServer};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use clap::Parser;
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::Serialize;
use sha2::Sha256;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value = "127.0.0.1:18401")]
    bind: String,
}

#[derive(Serialize)]
struct Document {
    issuer: &'static str,
    token_endpoint: &'static str,
    grant_types_supported: [&'static str; 3],
    scopes_supported: [&'static str; 4],
}

async fn json() -> HttpResponse {
    HttpResponse::Ok().json(Document {
        issuer: "http://127.0.0.1",
        token_endpoint: "http://127.0.0.1/token",
        grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
        scopes_supported: ["openid", "profile", "email", "contacts"],
    })
}

#[derive(Serialize)]
struct Token {
    access_token: String,
    token_type: &'static str,
    expires_in: u32,
}

async fn token(form: web::Form<Vec<(String, String)>>, key: web::Data<[u8; 32]>) -> HttpResponse {
    if !form
        .iter()
        .any(|(k, v)| k == "grant_type" && v == "client_credentials")
    {
        return HttpResponse::BadRequest().finish();
    }
    let mut value = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut value);
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_ref()).unwrap();
    mac.update(&value);
    let token = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(value),
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    );
    HttpResponse::Ok().json(Token {
        access_token: token,
        token_type: "Bearer",
        expires_in: 3600,
    })
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let mut key = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut key);
    let key = web::Data::new(key);
    println!("baseline listening on {}", args.bind);
    HttpServer::new(move || {
        App::new()
            .app_data(key.clone())
            .route("/json", web::get().to(json))
            .route("/token", web::post().to(token))
    })
    .bind(&args.bind)?
    .run()
    .await
}
