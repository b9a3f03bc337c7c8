//! App Store images (issue #13): an upload is judged by its bytes, never by its name or content type,
//! and served back as the server read it; who may upload and see them.

use crate::app_store::{create, put, red_only, save, store_path};
use crate::common::*;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::json;

/// A valid grayscale PNG (stored deflate blocks, real CRCs and Adler-32).
pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut c = !0u32;
        for &b in data {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    }
    let mut raw = Vec::new();
    for y in 0..height {
        raw.push(0); // filter: none
        raw.extend((0..width).map(|x| ((x ^ y) & 0xFF) as u8));
    }
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        z.extend(len.to_le_bytes());
        z.extend((!len).to_le_bytes());
        z.extend(*block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in &raw {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    z.extend(((b << 16) | a).to_be_bytes());
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 0, 0, 0, 0]); // 8-bit grayscale
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// POST …/app-store/images as multipart/form-data.
pub(crate) async fn upload(
    t: &TestApp,
    who: &As,
    app: &str,
    kind: &str,
    file: (&str, &str, &[u8]),
) -> Reply {
    let (name, content_type, bytes) = file;
    let boundary = "----appreg-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("{}/images", store_path(app)))
        .header(header::COOKIE, cookie_of(who))
        .header("x-requested-with", "appreg")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    t.raw(req).await
}

#[tokio::test]
async fn uploads_are_judged_by_their_bytes_and_served_as_the_server_read_them() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let app = create(&t, &dev, "Pictures", "standard").await;
    for bytes in [
        &b"GIF89a\x01\x00\x01\x00\x80\x00\x00"[..],
        b"just text, not a picture",
    ] {
        let r = upload(&t, &dev, &app, "logo", ("logo.png", "image/png", bytes)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(
            r.field_rules(),
            [("logo".to_string(), "APPSTORE-LOGO".to_string())]
        );
    }
    let logo = png(256, 256);
    let r = upload(&t, &dev, &app, "logo", ("logo.txt", "text/plain", &logo)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["content_type"], "image/png");
    assert_eq!(
        (r.body["width"].clone(), r.body["height"].clone()),
        (json!(256), json!(256))
    );
    assert_eq!(r.body["bytes"], json!(logo.len()));
    let path = r.headers[header::LOCATION].to_str().unwrap().to_string();
    let served = t.get(&dev, &path).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(served.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(served.headers[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .starts_with("private, max-age="));
    assert!(served.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains("sandbox"));
    assert_eq!(served.raw, logo);
    // Not a square of 256 px; a logo over 1 MB; a body over the upload limit.
    let r = upload(
        &t,
        &dev,
        &app,
        "logo",
        ("l.png", "image/png", &png(300, 200)),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = upload(
        &t,
        &dev,
        &app,
        "logo",
        ("l.png", "image/png", &png(1024, 1024)),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("1 MB"),
        "{}",
        r.body
    );
    let r = upload(
        &t,
        &dev,
        &app,
        "screenshot",
        ("s.png", "image/png", &png(2400, 2400)),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(r.is_problem());
    // An SVG is served so that it can run nothing.
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64"/></svg>"#;
    let r = upload(&t, &dev, &app, "logo", ("logo.png", "image/png", svg)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["content_type"], "image/svg+xml");
    let served = t
        .get(&dev, r.headers[header::LOCATION].to_str().unwrap())
        .await;
    assert_eq!(served.headers[header::CONTENT_TYPE], "image/svg+xml");
    let csp = served.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert_eq!(
        csp,
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    );
    assert!(served.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("inline; filename="));
    // The information refers to this app's images only.
    let mut info = red_only("Pictures");
    info["logo"] =
        json!({"id": "nope", "content_type": "image/png", "width": 256, "height": 256, "bytes": 1});
    let r = save(&t, &dev, &app, info).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .field_rules()
        .contains(&("logo".into(), "APPSTORE-LOGO".into())));
    // Other people: another partner's user sees nothing, Marketing reads but does not change.
    let other = t.sign_in("other@demo.test").await;
    assert_eq!(t.get(&other, &path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        t.get(&other, &store_path(&app)).await.status,
        StatusCode::NOT_FOUND
    );
    let r = put(&t, &other, &app, red_only("Mine now"), Some("\"as1\"")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let marketing = t.sign_in("marketing@demo.test").await;
    assert_eq!(t.get(&marketing, &path).await.status, StatusCode::OK);
    let r = save(&t, &marketing, &app, red_only("Pictures")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = upload(&t, &marketing, &app, "logo", ("l.png", "image/png", &logo)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}
