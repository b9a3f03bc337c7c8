//! Attachments of the Messaging Center (issue #14): images told by their bytes (PNG, JPEG, GIF), at
//! most 3 of at most 5 MB per message, served back only as downloads.

use crate::app_store_images::png;
use crate::common::*;
use crate::tickets::{reply_with_files, requested, ticket_of};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};

#[tokio::test]
async fn attachments_are_images_by_their_bytes_and_served_as_downloads() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let manager = t.sign_in("appmanager@demo.test").await;
    let (_, rid) = requested(&t, &dev, "Pictures").await;
    let tid = id(&ticket_of(&t, &dev, &rid).await);
    let image = png(3, 2);
    let gif: &[u8] =
        b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;";
    let r = reply_with_files(
        &t,
        &dev,
        &tid,
        "See the screenshot.",
        &[("../screen shot.png", &image), ("anim.png", gif)],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let files = r.body["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["file_name"], "screen shot.png");
    assert_eq!(files[0]["content_type"], "image/png");
    assert_eq!(files[0]["bytes"], image.len());
    assert_eq!(
        files[1]["content_type"], "image/gif",
        "by its bytes, not its name"
    );
    let url = files[0]["url"].as_str().unwrap();
    assert_eq!(
        url,
        format!("/api/v1/tickets/{tid}/attachments/{}", id(&files[0]))
    );
    // The app manager sees it in the ticket and downloads it.
    let full = t.get(&manager, &format!("/api/v1/tickets/{tid}")).await;
    assert_eq!(full.body["messages"][1]["attachments"][0]["url"], url);
    let got = t.get(&manager, url).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.raw, image);
    assert_eq!(got.headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(got.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(
        got.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"screen_shot.png\""
    );
    assert_eq!(
        got.headers[header::CONTENT_SECURITY_POLICY],
        "default-src 'none'; sandbox"
    );
    assert_eq!(got.headers[header::CACHE_CONTROL], "private");
    let gif_url = files[1]["url"].as_str().unwrap();
    assert_eq!(
        t.get(&dev, gif_url).await.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"anim.gif\""
    );
    assert_eq!(
        t.get(&dev, &format!("/api/v1/tickets/{tid}/attachments/nope"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let refused = |r: &Reply, field: &str| {
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(
            r.field_rules(),
            vec![(field.to_string(), "TICKET-ATTACHMENT".to_string())],
            "{}",
            r.body
        );
    };
    // Text named .png; an SVG (an image, but not one an attachment may be).
    let text: &[u8] = b"this is not an image at all";
    refused(
        &reply_with_files(&t, &dev, &tid, "x", &[("a.png", text)]).await,
        "file[0]",
    );
    let svg: &[u8] = b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"/>";
    refused(
        &reply_with_files(&t, &dev, &tid, "x", &[("a.png", &image), ("b.png", svg)]).await,
        "file[1]",
    );
    // More than 3.
    let four: Vec<(&str, &[u8])> = (0..4).map(|_| ("a.png", image.as_slice())).collect();
    refused(&reply_with_files(&t, &dev, &tid, "x", &four).await, "file");
    // Over 5 MB.
    let mut big = png(4, 4);
    big.resize(5 * 1024 * 1024 + 1, 0);
    refused(
        &reply_with_files(&t, &dev, &tid, "x", &[("big.png", &big)]).await,
        "file[0]",
    );
    // Nothing of the refused replies was kept.
    let full = t.get(&dev, &format!("/api/v1/tickets/{tid}")).await;
    assert_eq!(full.body["messages"].as_array().unwrap().len(), 2);
    // A part that is neither body nor file.
    let boundary = "b0undary";
    let form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nHi\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"files\"\r\n\r\nx\r\n--{boundary}--\r\n"
    );
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/tickets/{tid}/messages"))
        .header(header::COOKIE, cookie_of(&dev))
        .header("x-requested-with", "appreg")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(form))
        .unwrap();
    let r = t.raw(req).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // Neither JSON nor a form.
    let r = t
        .send(
            &dev,
            Method::POST,
            &format!("/api/v1/tickets/{tid}/messages"),
            None,
            &[("content-type", "text/plain")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}
