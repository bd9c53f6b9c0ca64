//! `GET /static/{file}`: CSS and other assets, embedded in the binary.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use include_dir::{include_dir, Dir};

static STATIC: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/static");

/// `GET /static/{file}`.
pub async fn static_get(path: web::Path<String>) -> HttpResponse {
    match STATIC.get_file(path.as_str()) {
        Some(file) => {
            let mime = mime_guess::from_path(path.as_str()).first_or_octet_stream();
            HttpResponse::Ok()
                .insert_header((header::CONTENT_TYPE, mime.essence_str()))
                .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
                .body(file.contents())
        }
        None => HttpResponse::NotFound().finish(),
    }
}
